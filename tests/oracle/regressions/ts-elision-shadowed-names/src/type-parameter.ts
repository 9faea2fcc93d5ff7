import { value } from './tla.js';
function f<value>(x: value) { return x; }
