// yamlref: kubectl's manifest decoder, as a reference for kindlab's YAML reader.
// Reads JSON lines on stdin, each a JSON string holding one whole file; for each file prints one
// JSON line: {"docs":[...]} with every document kubectl would apply (in order, as JSON), or
// {"docs":[...],"error":"..."} where kubectl stops. Decoding follows cli-runtime's StreamVisitor:
// k8s.io/apimachinery/pkg/util/yaml splits documents and sigs.k8s.io/yaml converts each to JSON;
// empty and null documents are skipped.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/yaml"
)

type result struct {
	Docs  []json.RawMessage `json:"docs"`
	Error *string           `json:"error,omitempty"`
}

func decodeFile(text string) result {
	res := result{Docs: []json.RawMessage{}}
	d := yaml.NewYAMLOrJSONDecoder(strings.NewReader(text), 4096)
	for {
		ext := runtime.RawExtension{}
		if err := d.Decode(&ext); err != nil {
			if err == io.EOF {
				return res
			}
			msg := err.Error()
			res.Error = &msg
			return res
		}
		raw := bytes.TrimSpace(ext.Raw)
		if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
			continue
		}
		// Re-encode so that JSON input (kept raw by RawExtension) prints in one canonical form.
		var v interface{}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			msg := "invalid JSON: " + err.Error()
			res.Error = &msg
			return res
		}
		out, err := json.Marshal(v)
		if err != nil {
			msg := err.Error()
			res.Error = &msg
			return res
		}
		res.Docs = append(res.Docs, out)
	}
}

func main() {
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for {
		line, err := in.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var text string
			if jerr := json.Unmarshal(line, &text); jerr != nil {
				msg := "bad input line: " + jerr.Error()
				_ = enc.Encode(result{Docs: []json.RawMessage{}, Error: &msg})
			} else {
				_ = enc.Encode(decodeFile(text))
			}
		}
		if err != nil {
			return
		}
	}
}
