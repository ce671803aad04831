// `npx mocha` runs the whole unit suite. `npx mocha out/test/unit/<area>/<file>.test.js` runs only the
// files named: mocha adds a configured `spec` to the files on the command line, so the spec is left
// out whenever test files are named.
const named = process.argv.slice(2).some((a) => /\.test\.js$/.test(a) || /^(\.\/)?out\//.test(a));
module.exports = {
  ...(named ? {} : { spec: ['out/test/unit/**/*.test.js'] }),
  timeout: 20000,
  reporter: 'spec',
};
