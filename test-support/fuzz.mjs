// The shared set-up of the packages' fuzz scripts (npm run fuzz [-- ITERATIONS [SEED]]): the
// iteration count and a seeded xorshift generator, so a run that found a bug can be replayed.
export function fuzzSetup(defaultIterations) {
  const iterations = Number(process.argv[2] ?? defaultIterations);
  let seed = Number(process.argv[3] ?? Date.now()) >>> 0 || 1; // xorshift never leaves 0
  const start = seed;
  const rnd = (n) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  console.log(
    `fuzz seed ${start}, ${iterations} iterations (replay: npm run fuzz -- ${iterations} ${start})`,
  );
  return { iterations, rnd };
}
