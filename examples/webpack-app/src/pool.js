// Stand-in for a real driver: opens a "pool" after a short delay.
export function openPool(url, options) {
  return new Promise((resolve) =>
    setTimeout(() => resolve({ url, options, run: async (sql) => ({ sql, rows: [] }) }), 10),
  );
}
