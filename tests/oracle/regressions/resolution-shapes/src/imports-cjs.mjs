import legacy from './legacy.cjs';
class C { x = (async () => { await 0; })(); static { (async () => await 1)(); } }
