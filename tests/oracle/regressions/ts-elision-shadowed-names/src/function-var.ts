import { value } from './tla.js';
function f() { var value = 1; return value; }
