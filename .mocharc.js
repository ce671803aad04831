// Mocha's configuration. `npx mocha` runs every unit test; `npx mocha out/test/unit/x/y.test.js`
// runs only the files named (mocha would otherwise add them to the configured spec and run all).
const named = process.argv.slice(2).some((a) => /\.test\.js$/.test(a));
module.exports = {
  spec: named ? [] : ['out/test/unit/**/*.test.js'],
  timeout: 20000,
  reporter: 'spec',
};
