package event

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// The tolerant pass: decode the body into a generic tree (numbers kept as
// json.Number), rewrite scalars to the kinds the target struct expects, and
// decode the rewritten tree. Only bodies whose plain decode failed take this
// path, so its cost does not matter for well-formed callbacks.

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

func decodeTolerant(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return err
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("decode target %T is not a pointer", v)
	}
	fixed, err := coerce(tree, rv.Type().Elem(), "")
	if err != nil {
		return err
	}
	b, err := json.Marshal(fixed)
	if err != nil {
		return err
	}
	rv.Elem().SetZero()
	return json.Unmarshal(b, v)
}

// coerce returns v rewritten so that encoding/json can decode it into a
// value of type t, or an error naming the path when the structure cannot
// fit (an object where a number belongs, …).
func coerce(v any, t reflect.Type, path string) (any, error) {
	if v == nil {
		return nil, nil
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) || t.Implements(unmarshalerType) {
		return v, nil // the type decodes itself (unixMilli, message.Body, RawMessage)
	}
	switch t.Kind() {
	case reflect.Pointer:
		return coerce(v, t.Elem(), path)
	case reflect.Interface:
		return v, nil
	case reflect.String:
		switch x := v.(type) {
		case string:
			return x, nil
		case json.Number:
			return x.String(), nil
		case bool:
			return strconv.FormatBool(x), nil
		}
	case reflect.Bool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case json.Number:
			f, err := x.Float64()
			if err == nil {
				return f != 0, nil
			}
		case string:
			if b, err := strconv.ParseBool(strings.TrimSpace(x)); err == nil {
				return b, nil
			}
			if x == "" {
				return nil, nil
			}
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		var s string
		switch x := v.(type) {
		case json.Number:
			s = x.String()
		case string:
			s = strings.TrimSpace(x)
			if s == "" {
				return nil, nil
			}
		case bool:
			if x {
				return json.Number("1"), nil
			}
			return json.Number("0"), nil
		default:
			return nil, typeErr(path, t, v)
		}
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			return json.Number(s), nil
		}
		if _, err := strconv.ParseUint(s, 10, 64); err == nil {
			return json.Number(s), nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1<<63 {
			return nil, typeErr(path, t, v)
		}
		return json.Number(strconv.FormatInt(int64(f), 10)), nil
	case reflect.Float32, reflect.Float64:
		switch x := v.(type) {
		case json.Number:
			return x, nil
		case string:
			s := strings.TrimSpace(x)
			if s == "" {
				return nil, nil
			}
			if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
				return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
			}
		}
	case reflect.Slice, reflect.Array:
		list, ok := v.([]any)
		if !ok {
			if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
				break // []byte wants a base64 string
			}
			// A single item where a list belongs: Tencent does this with
			// To_Account and friends.
			list = []any{v}
		}
		out := make([]any, len(list))
		for i, item := range list {
			c, err := coerce(item, t.Elem(), path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok || t.Key().Kind() != reflect.String {
			break
		}
		out := make(map[string]any, len(obj))
		for k, item := range obj {
			c, err := coerce(item, t.Elem(), path+"."+k)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			break
		}
		fields := jsonFields(t)
		out := make(map[string]any, len(obj))
		for k, item := range obj {
			ft, ok := fields.exact[k]
			if !ok {
				ft, ok = fields.folded[strings.ToLower(k)]
			}
			if !ok {
				continue // unknown field: dropped, as encoding/json would
			}
			c, err := coerce(item, ft, joinPath(path, k))
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	}
	return nil, typeErr(path, t, v)
}

func joinPath(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func typeErr(path string, t reflect.Type, v any) error {
	kind := "value"
	switch v.(type) {
	case map[string]any:
		kind = "object"
	case []any:
		kind = "array"
	case string:
		kind = "string"
	case json.Number:
		kind = "number"
	case bool:
		kind = "bool"
	}
	if path == "" {
		path = "body"
	}
	return fmt.Errorf("field %s: cannot use a JSON %s as %s", path, kind, t)
}

type fieldSet struct {
	exact  map[string]reflect.Type
	folded map[string]reflect.Type
}

var fieldCache sync.Map // reflect.Type → *fieldSet

// jsonFields lists the JSON names encoding/json would decode into t,
// including fields promoted from embedded structs.
func jsonFields(t reflect.Type) *fieldSet {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(*fieldSet)
	}
	fs := &fieldSet{exact: map[string]reflect.Type{}, folded: map[string]reflect.Type{}}
	var walk func(reflect.Type, int)
	walk = func(t reflect.Type, depth int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				et := ft
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct && depth < 8 {
					walk(et, depth+1)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, dup := fs.exact[name]; dup && depth > 0 {
				continue // the shallower field wins
			}
			fs.exact[name] = ft
			if _, dup := fs.folded[strings.ToLower(name)]; !dup {
				fs.folded[strings.ToLower(name)] = ft
			}
		}
	}
	walk(t, 0)
	actual, _ := fieldCache.LoadOrStore(t, fs)
	return actual.(*fieldSet)
}
