package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// buffer is a pooled response body.
type buffer struct{ b []byte }

// Sizes of the body buffers: the first read, the largest buffer kept in
// the pool.
const (
	minBuffer  = 4 << 10
	poolBuffer = 1 << 20
)

var bufPool = sync.Pool{New: func() any { return &buffer{b: make([]byte, 0, minBuffer)} }}

func (b *buffer) release() {
	if b != nil && cap(b.b) <= poolBuffer {
		b.b = b.b[:0]
		bufPool.Put(b)
	}
}

func tooLarge(limit int64) error {
	return fmt.Errorf("%w: larger than %d bytes", ErrResponseTooLarge, limit)
}

// readCapped reads r (which declared size bytes, -1 if unknown) into a
// pooled buffer, failing with ErrResponseTooLarge once more than limit
// bytes arrive. A declared size (the caller refused one above limit) is
// allocated once; an unknown one grows by doubling but never beyond
// limit+1. Either way the buffer never exceeds the cap (issue 14 item 7:
// the old bytes.Buffer grew to twice the cap): a declared size costs the
// size, an undeclared one at most 1.5× the cap live while the last growth
// copies.
func readCapped(r io.Reader, size, limit int64) (*buffer, error) {
	buf := bufPool.Get().(*buffer)
	b := buf.b[:0]
	if size >= 0 && size <= limit && int64(cap(b)) < size+1 {
		b = make([]byte, 0, size+1) // +1: room to see EOF without growing
	}
	for {
		if len(b) == cap(b) {
			if int64(len(b)) > limit {
				buf.b = b
				buf.release()
				return nil, tooLarge(limit)
			}
			n := max(2*cap(b), minBuffer)
			if int64(n) > limit+1 {
				n = int(limit + 1)
			}
			nb := make([]byte, len(b), n)
			copy(nb, b)
			b = nb
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > limit {
			buf.b = b
			buf.release()
			return nil, tooLarge(limit)
		}
		if err == io.EOF {
			buf.b = b
			return buf, nil
		}
		if err != nil {
			buf.b = b
			buf.release()
			return nil, fmt.Errorf("reading response: %w", err)
		}
	}
}

// notSent reports whether err proves the request never reached a server:
// name resolution, connection set-up or the server's certificate failed.
func notSent(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	return certError(err)
}

// certError reports whether err is a TLS certificate failure (unknown
// authority, wrong host name, expired or otherwise invalid): the handshake
// failed before anything was sent, and a resend to the same host would
// fail the same way.
func certError(err error) bool {
	var (
		verr *tls.CertificateVerificationError
		uerr x509.UnknownAuthorityError
		herr x509.HostnameError
		ierr x509.CertificateInvalidError
	)
	return errors.As(err, &verr) || errors.As(err, &uerr) || errors.As(err, &herr) || errors.As(err, &ierr)
}

// pause waits d or until ctx ends.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
