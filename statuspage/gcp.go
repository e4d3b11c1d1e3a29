package statuspage

import "errors"

func decodeGCP(docs [][]byte, o *DecodeOptions) (*Summary, error) {
	return nil, errors.New("gcp: not yet")
}
