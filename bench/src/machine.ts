import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The machine a run measured, written as `machine` in the JSON output. */
export interface MachineInfo {
  readonly cpu_model: string;
  readonly cores: number;
  readonly mem_gb: number;
  readonly node: string;
  readonly os: string;
  /** 1-minute load average when the run started: other work on the machine skews every row. */
  readonly load_avg_1m: number;
  /** Where the temp dirs (Tributary, SQLite, disk rows) live: device, filesystem, SSD or not. */
  readonly disk: {
    readonly path: string;
    readonly device: string;
    readonly fs: string;
    readonly rotational?: boolean;
  };
}

/** The mount holding `dir`: the longest mount point that prefixes it. */
function mountOf(dir: string): { device: string; fs: string } {
  try {
    let best = { point: '', device: 'unknown', fs: 'unknown' };
    for (const line of fs.readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [device, point, type] = line.split(' ');
      if (!device || !point || !type) continue;
      const inside = dir === point || dir.startsWith(point.endsWith('/') ? point : `${point}/`);
      if (inside && point.length >= best.point.length) best = { point, device, fs: type };
    }
    return { device: best.device, fs: best.fs };
  } catch {
    return { device: 'unknown', fs: 'unknown' }; // not Linux
  }
}

/** `/sys/block/<dev>/queue/rotational` for a partition or whole-disk device name, when readable. */
function isRotational(device: string): boolean | undefined {
  const name = path.basename(device).replace(/p?\d+$/, '');
  try {
    return fs.readFileSync(`/sys/block/${name}/queue/rotational`, 'utf8').trim() === '1';
  } catch {
    return undefined;
  }
}

export function machineInfo(): MachineInfo {
  const dir = fs.realpathSync(os.tmpdir());
  const mount = mountOf(dir);
  const rotational = isRotational(mount.device);
  return {
    cpu_model: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    mem_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    load_avg_1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    disk: { path: dir, ...mount, ...(rotational === undefined ? {} : { rotational }) },
  };
}
