// The /version document (apimachinery version.Info). Pure. The stock kubectl dispatcher on the build
// machines picks its binary from `minor`, so minor must stay "32" unless the whole project moves.

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** The k8ts release this server reports; gitCommit and buildDate may be overridden by the build. */
export function versionInfo(overrides: Partial<Pick<VersionInfo, 'gitCommit' | 'gitTreeState' | 'buildDate'>> = {}): VersionInfo {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0-k8ts',
    gitCommit: overrides.gitCommit ?? '0000000000000000000000000000000000000000',
    gitTreeState: overrides.gitTreeState ?? 'clean',
    buildDate: overrides.buildDate ?? '2024-12-11T00:00:00Z',
    goVersion: 'node' + process.version,
    compiler: 'tsc',
    platform: 'linux/amd64',
  };
}
