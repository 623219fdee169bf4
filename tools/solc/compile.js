// Compiles Solidity with solc-js: standard JSON input on stdin, standard JSON
// output on stdout (https://docs.soliditylang.org/en/latest/using-the-compiler.html).
const fs = require('fs');
const solc = require('solc');
const input = fs.readFileSync(0, 'utf8');
process.stdout.write(solc.compile(input));
