'use strict';
// The compiled addon (node-gyp builds it on npm install when libopenblas-dev and a C++ toolchain are present).
module.exports = require('./build/Release/cosearch_blas.node');
