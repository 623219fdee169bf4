// Package training describes each model family once and trains it: the
// family's descriptor (Family) names its dataset, learning rate,
// benchmarked sizes, initial model, layer widths and the adapters from a
// run's dimensions to its step, chain and score circuits; Train runs the
// seeded fixed-point training its circuits prove beside the float64 twin,
// from the same initial model on the same batches, and reports the test
// metric both ways. The benchmark harness (package workloads), the proven
// runs (package trainrun) and the CLI read the descriptors; a new family is
// a circuit package and one descriptor here, listed in families.
//
// Files:
//   - family.go: the descriptor, the registry (Families, Lookup), the one
//     training loop (Family.Train), the plain float64 schedule
//     (Family.Plain) a run's overhead is held against, and the step the
//     harness measures for a family without a workload file
//     (Family.BenchStep).
//   - linear.go: least squares (LinReg, diabetes) and logistic regression
//     (LogReg, breast_cancer): their model both ways, the one float64 SGD
//     step of a linear model (LinearPlainStep) and their circuits.
//   - softmax.go: softmax regression on digits (Softmax) and its float64
//     step; the class-score adapter every classifier shares.
//   - mlp.go: the 64-32-10 network on digits (MLP), its seeded
//     initialisation and its float64 step.
//   - split.go: the seeded train/test split, standardised, quantised and
//     committed.
package training
