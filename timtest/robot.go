package timtest

import (
	"encoding/json"
	"slices"
	"strings"
)

// Robots (openim_robot_http_svc/create_robot, delete_robot,
// get_all_robots). A robot is an account whose UserID starts with "@RBT#";
// an app has at most 20; creating one again changes nothing; deleting one
// disables it (Tencent keeps the UserID).

const (
	codeRobotInternal = 10002
	codeRobotParam    = 10004
	codeRobotDenied   = 10008
	maxRobots         = 20
	robotPrefix       = "@RBT#"
)

// newState is the state of the newer products; s.mu guards it.
type newState struct {
	robots     map[string]bool // UserID → active
	robotOrder []string
	streams    map[string]*stream // MsgKey → stream (stream.go)
	streamSeq  uint32
	official   *officialState // official.go
	auditWords []string       // moderation.go
	auditSeq   int
	deskEnded  map[string]bool        // desk.go: sessions end_session ended
	desk       map[string]DeskSession // desk.go: states set by SetDeskSession
	deskRobots map[string]string      // desk.go: RobotId → nickname (desk_update_robot)
}

// nxLocked returns the state, creating it; s.mu is held.
func (s *Server) nxLocked() *newState {
	if s.nx == nil {
		s.nx = &newState{robots: map[string]bool{}, streams: map[string]*stream{}}
	}
	return s.nx
}

func robotID(id string) bool {
	return strings.HasPrefix(id, robotPrefix) && len(id) > len(robotPrefix) && len(id) <= 32
}

func (c *call) createRobot() (any, error) {
	var req struct {
		UserID        string `json:"UserID"`
		Nick          string `json:"Nick"`
		FaceURL       string `json:"FaceUrl"`
		SelfSignature string `json:"SelfSignature"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return nil, fail(codeRobotParam, "request JSON: %v", err)
	}
	switch {
	case !robotID(req.UserID):
		return nil, fail(codeRobotParam, "UserID %q must start with @RBT# and be at most 32 bytes", req.UserID)
	case len(req.SelfSignature) > 500:
		return nil, fail(codeRobotParam, "SelfSignature is over 500 bytes")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	nx := s.nxLocked()
	if _, known := nx.robots[req.UserID]; !known {
		active := 0
		for _, on := range nx.robots {
			if on {
				active++
			}
		}
		if active >= maxRobots {
			return nil, fail(codeRobotDenied, "the app already has %d robots", maxRobots)
		}
		nx.robotOrder = append(nx.robotOrder, req.UserID)
	}
	nx.robots[req.UserID] = true
	a := s.addAccount(req.UserID, c.now)
	for _, kv := range [][2]string{{"Tag_Profile_IM_Nick", req.Nick}, {"Tag_Profile_IM_Image", req.FaceURL}, {"Tag_Profile_IM_SelfSignature", req.SelfSignature}} {
		if kv[1] != "" {
			v, _ := json.Marshal(kv[1])
			a.setTag(kv[0], v)
		}
	}
	return nil, nil
}

func (c *call) deleteRobot() (any, error) {
	var req struct {
		RobotAccount string `json:"Robot_Account"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return nil, fail(codeRobotParam, "request JSON: %v", err)
	}
	if !robotID(req.RobotAccount) {
		return nil, fail(codeRobotParam, "Robot_Account %q is not a robot UserID", req.RobotAccount)
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	nx := s.nxLocked()
	if _, known := nx.robots[req.RobotAccount]; !known {
		return nil, fail(codeRobotDenied, "robot %q does not exist", req.RobotAccount)
	}
	nx.robots[req.RobotAccount] = false
	return nil, nil
}

type robotsAnswer struct {
	envelope
	RobotAccount []string `json:"Robot_Account"`
}

func (c *call) getAllRobots() (any, error) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &robotsAnswer{RobotAccount: []string{}}
	nx := s.nxLocked()
	for _, id := range nx.robotOrder {
		if nx.robots[id] {
			out.RobotAccount = append(out.RobotAccount, id)
		}
	}
	return out, nil
}

// Robots returns the active robots' UserIDs in creation order.
func (s *Server) Robots() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.nx == nil {
		return nil
	}
	return slices.DeleteFunc(slices.Clone(s.nx.robotOrder), func(id string) bool { return !s.nx.robots[id] })
}
