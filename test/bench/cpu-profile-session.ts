import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/** A running CPU profile of this process (one phase of a benchmark; the whole process is --cpu-prof's job). */
export interface CpuProfileSession {
  /** Stops profiling and writes the .cpuprofile to `file` (read it with cpu-profile-top.ts); without a file, discards it. */
  stop(file?: string): Promise<void>;
}

/** Starts profiling this process through the inspector. */
export async function startCpuProfile(): Promise<CpuProfileSession> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      if (file) writeFileSync(file, JSON.stringify(profile));
    },
  };
}
