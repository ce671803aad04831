'use strict';
// The floor for activation time: an extension whose activate() does nothing.
exports.activate = function activate() {
  return {};
};
exports.deactivate = function deactivate() {};
