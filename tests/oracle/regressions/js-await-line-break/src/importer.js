import { x } from './decl.js';
export default x;
