"""Forces and departments: the organisation that users and cases belong to."""
