package delivery

// Test helpers for the external test package (deal_test.go).
var (
	TestDomain     = testDomain
	TestSealed     = sealed
	TestAssignment = assignment
)
