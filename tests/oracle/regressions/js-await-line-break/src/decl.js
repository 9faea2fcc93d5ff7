// found by the oracle (seeds 1003, 1210, ...): in module code `await` is always the operator, even
// before a line break; tree-sitter-javascript reads `await` + newline as an identifier statement
function fetchIt() { return 1; }
export const x = await
  fetchIt();
