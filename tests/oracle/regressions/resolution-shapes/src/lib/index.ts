for await (const x of []) {}
export default 1;
