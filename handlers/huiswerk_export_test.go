package handlers

// Unexported helpers of written homework, for the tests of package handlers_test.
var (
	FieldParts = fieldParts
	JoinParts  = joinParts
)
