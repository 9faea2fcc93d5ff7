const lib = require('./via-dir.js');
module.exports = lib;
