package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// The JUnit XML that GitLab, Jenkins and GitHub Actions test reporters
// read: the shape of Jenkins' junit-4.xsd, which they all accept —
// <testsuites> holding one <testsuite>, one <testcase> per file, with a
// <failure> (the expectation, and the violation's trace in the plain
// format of explore --format email), an <error> (the file cannot be
// tested) or <skipped> (interrupted).

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Hostname  string      `xml:"hostname,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

// junitCase's fields are in the schema's order: skipped, error,
// failure, system-out.
type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Skipped   *junitMessage `xml:"skipped"`
	Error     *junitMessage `xml:"error"`
	Failure   *junitMessage `xml:"failure"`
	SystemOut string        `xml:"system-out,omitempty"` // what a passing file found
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",cdata"` // CDATA: a trace keeps its lines and columns
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// writeJUnit writes one testcase per file: name the file's path (what
// `ftcheck explore` takes to reproduce it), classname its folder.
func writeJUnit(w io.Writer, results []testResult, wall time.Duration) error {
	s := junitSuite{Name: "ftcheck test", Tests: len(results), Time: seconds(wall),
		Timestamp: time.Now().UTC().Add(-wall).Format("2006-01-02T15:04:05")}
	s.Hostname, _ = os.Hostname()
	for _, r := range results {
		c := junitCase{Name: filepath.ToSlash(r.File), Classname: filepath.ToSlash(filepath.Dir(r.File)), Time: seconds(r.Elapsed)}
		switch r.Status {
		case testPass:
			c.SystemOut = fmt.Sprintf("expected %s, got %s (%s)", r.Expected, r.Got, r.Counts)
		case testFail:
			s.Failures++
			c.Failure = &junitMessage{Message: fmt.Sprintf("expected %s, got %s", r.Expected, r.Got), Type: "expectation", Text: r.Detail}
		case testError:
			s.Errors++
			kind := "bad input"
			if r.Internal {
				kind = "internal error"
			}
			c.Error = &junitMessage{Message: firstLine(r.Detail), Type: kind, Text: r.Detail}
		case testInterrupted:
			s.Skipped++
			c.Skipped = &junitMessage{Message: "interrupted"}
		}
		s.Cases = append(s.Cases, c)
	}
	doc := junitSuites{Name: "ftcheck", Tests: s.Tests, Failures: s.Failures, Errors: s.Errors, Time: s.Time, Suites: []junitSuite{s}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
