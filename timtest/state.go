package timtest

// extState holds the state of the commands modelled since issue 13:
// all-member push, conversation groups and marks, message extensions,
// rich-media moderation. Group-scoped state lives on the group. Guarded by
// Server.mu.
type extState struct {
	cosBanned map[string]bool

	attrNames map[string]string            // "0".."9" → attribute name
	userAttrs map[string]map[string]string // user → attribute name → value
	userTags  map[string][]string          // user → tags, in the order added
	pushes    []Push
	pushDedup map[uint32]string    // MsgRandom → TaskId
	sched     map[uint64]schedTask // timpush scheduled tasks (push.go)

	broadcastSeq uint64 // send_broadcast_msg

	historyFiles map[string][]byte // get_history: "ChatType/MsgTime.gz" → gzip file

	contacts map[string]*contactBook // user → conversation groups and marks

	c2cExt   map[string]*extStore // c2c message (from|to|MsgKey) → extensions
	groupExt map[string]*extStore // group message (GroupId|MsgSeq) → extensions
}

func newExtState() extState {
	return extState{
		cosBanned: map[string]bool{}, attrNames: map[string]string{}, userAttrs: map[string]map[string]string{},
		userTags: map[string][]string{}, pushDedup: map[uint32]string{}, contacts: map[string]*contactBook{},
		c2cExt: map[string]*extStore{}, groupExt: map[string]*extStore{}, historyFiles: map[string][]byte{},
	}
}
