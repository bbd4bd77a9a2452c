package group

// FirstCluster exposes firstCluster to the external tests.
var FirstCluster = firstCluster
