// An older CommonJS script: Bun's require() of an async module throws
// "TypeError: require() async module … is unsupported" while its top-level await waits.
const { db } = require("./db.ts");

console.log(`${db.rows().length} rows`);
