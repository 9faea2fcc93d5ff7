// A tiny stand-in for a templating library, vendored as a browser-ready module.
export const html = (strings, ...values) => strings.reduce((out, s, i) => out + s + (i < values.length ? values[i] : ""), "");
export const render = (markup, root) => {
  root.innerHTML = markup;
};
