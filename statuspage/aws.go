package statuspage

import "errors"

func decodeAWS(docs [][]byte, o *DecodeOptions) (*Summary, error) {
	return nil, errors.New("aws: not yet")
}
