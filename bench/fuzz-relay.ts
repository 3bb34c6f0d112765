// `relay` as the fuzz script runs it: the real CLI in this process, plus a SIGUSR2 handler that collects
// garbage (node --expose-gc) and prints the memory figures, so "RSS after" is measured on live memory.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  process.stderr.write(`${JSON.stringify({ msg: 'fuzz memory', ...process.memoryUsage() })}\n`);
});
await import('../src/cli.ts');
