/**
 * Jest cannot require ES modules on Node 20, and NestJS 12 and a few of its dependencies ship only those (Node itself
 * loads them through require(esm)). This transformer turns just those files into CommonJS with Babel and leaves every
 * CommonJS file of node_modules untouched, so the cost is paid only where needed (and cached by Jest).
 */
const babel = require('@babel/core');
const { createHash } = require('node:crypto');

const ESM = /^\s*(import\s[\s\S]*?from\s|import\s*['"{*]|export\s)/m;
const plugins = [
  require.resolve('./babel-drop-create-require.js'),
  'babel-plugin-transform-import-meta',
  '@babel/plugin-transform-dynamic-import',
  '@babel/plugin-transform-modules-commonjs',
];

module.exports = {
  canInstrument: false,
  getCacheKey(source, filename) {
    return createHash('sha1').update('esm-to-cjs-v1').update(filename).update(source).digest('hex');
  },
  process(source, filename) {
    if (!ESM.test(source)) return { code: source };
    const out = babel.transformSync(source, { filename, babelrc: false, configFile: false, sourceMaps: 'inline', plugins });
    return { code: out.code };
  },
};
