/**
 * Wall time, CPU time and peak resident memory of a benchmark step, printed in one line. CPU time is
 * the steadier figure on a shared machine: wall time also counts waiting for other processes.
 */
export function measure<T>(label: string, run: () => T): T {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = run();
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  const heapMiB = process.memoryUsage().heapUsed / 1024 / 1024;
  console.log(
    `${label}: ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU, ` +
      `peak RSS ${peakMiB.toFixed(0)} MiB, heap in use ${heapMiB.toFixed(0)} MiB`,
  );
  return result;
}
