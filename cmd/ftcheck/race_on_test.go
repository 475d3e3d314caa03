//go:build race

package main

// raceDetector: this test binary runs under -race, ten times slower;
// tests that only repeat a search skip (the parallel runner's own tests
// still run).
const raceDetector = true
