import { value } from './tla.js';
class C { value = 1; value2() {} }
const o = { value: 1 }; o.value;
