// Package layering holds no code: its test checks the import graph against
// the layers ARCHITECTURE.md states, so that the rule stays true.
package layering
