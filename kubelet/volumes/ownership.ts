// fsGroup ownership as upstream's SetVolumeOwnership: group of every file and dir becomes fsGroup,
// group read (and write unless read-only) bits are added, dirs get setgid. Symlinks are chowned
// (lchown) but never chmodded, so nothing outside the volume changes.
import fs from 'node:fs';
import path from 'node:path';

const RW_MASK = 0o660;
const RO_MASK = 0o440;
const EXEC_MASK = 0o110;
const SETGID = 0o2000;

export function setVolumeOwnership(dir: string, fsGroup: number, readOnly: boolean): void {
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    fs.lchownSync(p, -1 as unknown as number, fsGroup);
    if (st.isSymbolicLink()) return;
    let mask = readOnly ? RO_MASK : RW_MASK;
    if (st.isDirectory()) mask |= SETGID | EXEC_MASK;
    fs.chmodSync(p, (st.mode & 0o7777) | mask);
    if (st.isDirectory()) for (const entry of fs.readdirSync(p)) walk(path.join(p, entry));
  };
  walk(dir);
}
