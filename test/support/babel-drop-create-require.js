/**
 * NestJS 12's ES modules build their own `require` with `createRequire(import.meta.url)`. Once Babel turns them into
 * CommonJS for Jest, the module already has `require`, and the re-declaration would shadow it: drop it.
 */
module.exports = function dropCreateRequire() {
  return {
    visitor: {
      VariableDeclarator(path) {
        const { id, init } = path.node;
        if (id.type === 'Identifier' && id.name === 'require' && init && init.type === 'CallExpression' && init.callee.name === 'createRequire') {
          path.parentPath.remove();
        }
      },
    },
  };
};
