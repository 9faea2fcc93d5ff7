import lib from './lib';
