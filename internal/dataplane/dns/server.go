package dns

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"
)

// Server answers DNS queries over UDP and TCP on one address.
type Server struct {
	auth *Authority
	log  *slog.Logger
	udp  net.PacketConn
	tcp  net.Listener

	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

// tcpIdle is how long a TCP connection may sit between queries (RFC 7766
// suggests seconds, not minutes).
const tcpIdle = 10 * time.Second

// Listen binds UDP and TCP on addr ("127.0.0.1:5353"; port 0 picks one
// free port for both) and starts answering from auth.
func Listen(addr string, auth *Authority, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.Default()
	}
	udp, tcp, err := bind(addr)
	if err != nil {
		return nil, err
	}
	s := &Server{auth: auth, log: log, udp: udp, tcp: tcp, conns: map[net.Conn]struct{}{}}
	s.wg.Add(2)
	go s.serveUDP()
	go s.serveTCP()
	return s, nil
}

// bind opens the UDP socket, then TCP on the same port.
func bind(addr string) (net.PacketConn, net.Listener, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("dns: listen address %q: %w", addr, err)
	}
	var last error
	for try := 0; try < 10; try++ {
		udp, err := net.ListenPacket("udp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("dns: listen udp %s: %w", addr, err)
		}
		p := port
		if p == "0" {
			p = strconv.Itoa(udp.LocalAddr().(*net.UDPAddr).Port)
		}
		tcp, err := net.Listen("tcp", net.JoinHostPort(host, p))
		if err == nil {
			return udp, tcp, nil
		}
		udp.Close()
		last = err
		if port != "0" {
			break
		}
	}
	return nil, nil, fmt.Errorf("dns: listen tcp %s: %w", addr, last)
}

// Addr is the address the server answers on (the same port for UDP and TCP).
func (s *Server) Addr() string { return s.udp.LocalAddr().String() }

// Close stops the server and waits for its goroutines.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	err := errors.Join(s.udp.Close(), s.tcp.Close())
	s.wg.Wait()
	return err
}

// Shutdown closes the server when ctx ends.
func (s *Server) Shutdown(ctx context.Context) {
	<-ctx.Done()
	_ = s.Close()
}

func (s *Server) serveUDP() {
	defer s.wg.Done()
	buf := make([]byte, 65535)
	for {
		n, from, err := s.udp.ReadFrom(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.log.Warn("dns: udp read", "err", err)
			continue
		}
		if out := s.Handle(buf[:n], true); out != nil {
			if _, err := s.udp.WriteTo(out, from); err != nil {
				s.log.Debug("dns: udp write", "err", err)
			}
		}
	}
}

func (s *Server) serveTCP() {
	defer s.wg.Done()
	for {
		c, err := s.tcp.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.log.Warn("dns: tcp accept", "err", err)
			continue
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serveConn(c)
	}
}

// serveConn answers length-prefixed queries on one TCP connection (RFC 1035 §4.2.2).
func (s *Server) serveConn(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	var lenBuf [2]byte
	buf := make([]byte, 65535)
	for {
		_ = c.SetReadDeadline(time.Now().Add(tcpIdle))
		if _, err := io.ReadFull(c, lenBuf[:]); err != nil {
			return
		}
		n := int(binary.BigEndian.Uint16(lenBuf[:]))
		if _, err := io.ReadFull(c, buf[:n]); err != nil {
			return
		}
		out := s.Handle(buf[:n], false)
		if out == nil {
			return
		}
		msg := binary.BigEndian.AppendUint16(make([]byte, 0, len(out)+2), uint16(len(out)))
		msg = append(msg, out...)
		_ = c.SetWriteDeadline(time.Now().Add(tcpIdle))
		if _, err := c.Write(msg); err != nil {
			return
		}
	}
}

// Handle answers one query message; nil means drop it (unreadable header,
// or a response rather than a query). Over UDP the answer is truncated to
// what the client accepts.
func (s *Server) Handle(msg []byte, udp bool) []byte {
	q, err := ParseQuery(msg)
	if errors.Is(err, errShort) && len(msg) < headerLength {
		return nil
	}
	if q.Header.Response {
		return nil
	}
	resp := Message{Header: Header{ID: q.Header.ID, Response: true, Opcode: q.Header.Opcode, RecursionDesired: q.Header.RecursionDesired}}
	if err != nil {
		resp.Header.Rcode = RcodeFormErr
		return resp.Pack(0)
	}
	question := q.Question
	resp.Question = &question
	resp.EDNS, resp.UDPSize = q.EDNS, maxUDPSize
	limit := 0
	if udp {
		limit = minUDPSize
		if q.EDNS {
			limit = min(max(q.UDPSize, minUDPSize), maxUDPSize)
		}
	}
	switch {
	case q.Header.Opcode != 0:
		resp.Header.Rcode = RcodeNotImp
	case question.Class != classINET && question.Class != TypeANY:
		resp.Header.Rcode = RcodeRefused
	case question.Type == TypeAXFR || question.Type == TypeOPT:
		resp.Header.Rcode = RcodeRefused
	default:
		a := s.auth.Answer(question)
		resp.Header.Authoritative = a.Authoritative
		resp.Header.Rcode = uint8(a.Rcode)
		resp.Answer, resp.Authority = a.Answer, a.Authority
	}
	return resp.Pack(limit)
}
