import { value } from './tla.js';
const f = ({ value }: any) => value;
