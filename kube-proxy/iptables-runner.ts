// Owns running iptables-save/iptables-restore/iptables/conntrack for kube-proxy, optionally inside a
// network namespace (`nsenter --net=<path>`), so tests and the lab never touch another host's rules.
import { spawn } from 'node:child_process';

export interface Runner {
  run(command: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
}

export function createRunner(netnsPath?: string): Runner {
  return {
    run(command, args, input) {
      const [cmd, argv] = netnsPath ? ['nsenter', [`--net=${netnsPath}`, command, ...args]] : [command, args];
      return new Promise((resolve, reject) => {
        const child = spawn(cmd, argv, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
        child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
        if (child.stdin) {
          // A command that exits before reading its input must not crash us with EPIPE.
          child.stdin.on('error', () => undefined);
          child.stdin.end(input);
        }
      });
    },
  };
}

/** Chain names declared in an iptables-save dump of one table. */
export function chainsOf(save: string): string[] {
  return save.split('\n').filter((l) => l.startsWith(':')).map((l) => l.slice(1).split(' ')[0]!);
}
