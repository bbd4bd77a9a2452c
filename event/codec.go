package event

import (
	"encoding/json"

	"github.com/timkit/tim/internal/wire"
)

// Callbacks and JSON. Every callback type marshals to and from Tencent's
// form: the instants (Meta.EventTime, MsgTime, LastReadTime) are
// time.Time fields that encoding/json skips, each beside an unexported
// twin that holds the number Tencent sends. The twins are set only while
// encoding/json works: fromWire converts and clears them after a decode,
// toWire fills them before an encode.
//
// Parse decodes straight into a callback's jsonForm: one encoding/json
// pass into the callback's own memory, no wrapper. (The twins sit one
// embedding deeper than the fields they serve, e.g. Meta.metaWire.EventTime;
// that depth costs one small allocation per decode inside encoding/json,
// for its error-context field stack.) The UnmarshalJSON and MarshalJSON
// methods below serve code that stores or forwards callbacks as JSON;
// TestCallbackJSONRoundTrip holds every command's type to them.

// wireTimes is implemented by the callback parts that hold instants
// besides Meta.EventTime.
type wireTimes interface {
	timesFromWire()
	timesToWire()
}

// fromWire converts cb's wire twins into its time.Time fields and clears
// them.
func fromWire(cb Callback) {
	cb.meta().fromWire()
	if t, ok := cb.(wireTimes); ok {
		t.timesFromWire()
	}
}

// toWire fills cb's wire twins from its time.Time fields.
func toWire(cb Callback) {
	cb.meta().toWire()
	if t, ok := cb.(wireTimes); ok {
		t.timesToWire()
	}
}

// unmarshalCallback is every callback's UnmarshalJSON: encoding/json's
// decode of the jsonForm, keeping the values of absent fields (time.Time
// ones included) as encoding/json does.
func unmarshalCallback(b []byte, cb Callback) error {
	toWire(cb)
	err := json.Unmarshal(b, cb.jsonForm())
	fromWire(cb)
	return err
}

// marshalCallback is every callback's MarshalJSON; cb is the method's
// copy.
func marshalCallback(cb Callback) ([]byte, error) {
	toWire(cb)
	return json.Marshal(cb.jsonForm())
}

// msgTimeWire is MsgTime as Tencent sends it (Unix seconds).
type msgTimeWire struct {
	MsgTime int64 `json:"MsgTime"`
}

// lastReadTimeWire is LastReadTime as Tencent sends it (Unix seconds).
type lastReadTimeWire struct {
	LastReadTime int64 `json:"LastReadTime"`
}

func (m *C2CMessage) timesFromWire() {
	m.MsgTime = wire.UnixTime(m.msgTimeWire.MsgTime)
	m.msgTimeWire = msgTimeWire{}
}

func (m *C2CMessage) timesToWire() { m.msgTimeWire.MsgTime = unixSeconds(m.MsgTime) }

func (c *GroupAfterSendMsg) timesFromWire() {
	c.MsgTime = wire.UnixTime(c.msgTimeWire.MsgTime)
	c.msgTimeWire = msgTimeWire{}
}

func (c *GroupAfterSendMsg) timesToWire() { c.msgTimeWire.MsgTime = unixSeconds(c.MsgTime) }

func (c *C2CAfterMsgReport) timesFromWire() {
	c.LastReadTime = wire.UnixTime(c.lastReadTimeWire.LastReadTime)
	c.lastReadTimeWire = lastReadTimeWire{}
}

func (c *C2CAfterMsgReport) timesToWire() {
	c.lastReadTimeWire.LastReadTime = unixSeconds(c.LastReadTime)
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *StateChange) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c StateChange) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *StateChange) jsonForm() any { type plain StateChange; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *RequestOverLimit) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c RequestOverLimit) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *RequestOverLimit) jsonForm() any { type plain RequestOverLimit; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *PortraitSet) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c PortraitSet) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *PortraitSet) jsonForm() any { type plain PortraitSet; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *PrevFriendAdd) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c PrevFriendAdd) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *PrevFriendAdd) jsonForm() any { type plain PrevFriendAdd; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *PrevFriendResponse) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c PrevFriendResponse) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *PrevFriendResponse) jsonForm() any { type plain PrevFriendResponse; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *FriendAdd) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c FriendAdd) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *FriendAdd) jsonForm() any { type plain FriendAdd; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *FriendDelete) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c FriendDelete) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *FriendDelete) jsonForm() any { type plain FriendDelete; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *BlackListAdd) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c BlackListAdd) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *BlackListAdd) jsonForm() any { type plain BlackListAdd; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *BlackListDelete) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c BlackListDelete) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *BlackListDelete) jsonForm() any { type plain BlackListDelete; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *C2CBeforeSendMsg) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c C2CBeforeSendMsg) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *C2CBeforeSendMsg) jsonForm() any { type plain C2CBeforeSendMsg; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *C2CAfterSendMsg) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c C2CAfterSendMsg) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *C2CAfterSendMsg) jsonForm() any { type plain C2CAfterSendMsg; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *C2CAfterMsgReport) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c C2CAfterMsgReport) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *C2CAfterMsgReport) jsonForm() any { type plain C2CAfterMsgReport; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *C2CAfterMsgWithDraw) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c C2CAfterMsgWithDraw) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *C2CAfterMsgWithDraw) jsonForm() any { type plain C2CAfterMsgWithDraw; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *BotOnC2CMessage) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c BotOnC2CMessage) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *BotOnC2CMessage) jsonForm() any { type plain BotOnC2CMessage; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupOnDailyQuotaAlarm) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupOnDailyQuotaAlarm) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupOnDailyQuotaAlarm) jsonForm() any {
	type plain GroupOnDailyQuotaAlarm
	return (*plain)(c)
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupBeforeCreateGroup) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupBeforeCreateGroup) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupBeforeCreateGroup) jsonForm() any {
	type plain GroupBeforeCreateGroup
	return (*plain)(c)
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupAfterCreateGroup) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupAfterCreateGroup) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupAfterCreateGroup) jsonForm() any { type plain GroupAfterCreateGroup; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupBeforeApplyJoinGroup) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupBeforeApplyJoinGroup) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupBeforeApplyJoinGroup) jsonForm() any {
	type plain GroupBeforeApplyJoinGroup
	return (*plain)(c)
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupBeforeInviteJoinGroup) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupBeforeInviteJoinGroup) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupBeforeInviteJoinGroup) jsonForm() any {
	type plain GroupBeforeInviteJoinGroup
	return (*plain)(c)
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupAfterNewMemberJoin) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupAfterNewMemberJoin) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupAfterNewMemberJoin) jsonForm() any {
	type plain GroupAfterNewMemberJoin
	return (*plain)(c)
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupAfterMemberExit) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupAfterMemberExit) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupAfterMemberExit) jsonForm() any { type plain GroupAfterMemberExit; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupBeforeSendMsg) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupBeforeSendMsg) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupBeforeSendMsg) jsonForm() any { type plain GroupBeforeSendMsg; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupAfterSendMsg) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupAfterSendMsg) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupAfterSendMsg) jsonForm() any { type plain GroupAfterSendMsg; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupAfterGroupFull) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupAfterGroupFull) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupAfterGroupFull) jsonForm() any { type plain GroupAfterGroupFull; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupAfterGroupDestroyed) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupAfterGroupDestroyed) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupAfterGroupDestroyed) jsonForm() any {
	type plain GroupAfterGroupDestroyed
	return (*plain)(c)
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupAfterGroupInfoChanged) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupAfterGroupInfoChanged) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupAfterGroupInfoChanged) jsonForm() any {
	type plain GroupAfterGroupInfoChanged
	return (*plain)(c)
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupOnMemberStateChange) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupOnMemberStateChange) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupOnMemberStateChange) jsonForm() any {
	type plain GroupOnMemberStateChange
	return (*plain)(c)
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupSendMsgException) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupSendMsgException) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupSendMsgException) jsonForm() any { type plain GroupSendMsgException; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupAfterRecallMsg) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupAfterRecallMsg) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupAfterRecallMsg) jsonForm() any { type plain GroupAfterRecallMsg; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupBeforeCreateTopic) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupBeforeCreateTopic) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupBeforeCreateTopic) jsonForm() any {
	type plain GroupBeforeCreateTopic
	return (*plain)(c)
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupAfterCreateTopic) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupAfterCreateTopic) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupAfterCreateTopic) jsonForm() any { type plain GroupAfterCreateTopic; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupAfterTopicDestroyed) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupAfterTopicDestroyed) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupAfterTopicDestroyed) jsonForm() any {
	type plain GroupAfterTopicDestroyed
	return (*plain)(c)
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupAfterTopicInfoChanged) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupAfterTopicInfoChanged) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupAfterTopicInfoChanged) jsonForm() any {
	type plain GroupAfterTopicInfoChanged
	return (*plain)(c)
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupAfterMemberFieldChanged) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupAfterMemberFieldChanged) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupAfterMemberFieldChanged) jsonForm() any {
	type plain GroupAfterMemberFieldChanged
	return (*plain)(c)
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupAfterGroupAttrChanged) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupAfterGroupAttrChanged) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupAfterGroupAttrChanged) jsonForm() any {
	type plain GroupAfterGroupAttrChanged
	return (*plain)(c)
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupAfterReadReceipt) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupAfterReadReceipt) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupAfterReadReceipt) jsonForm() any { type plain GroupAfterReadReceipt; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupAfterChangeGroupOwner) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupAfterChangeGroupOwner) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupAfterChangeGroupOwner) jsonForm() any {
	type plain GroupAfterChangeGroupOwner
	return (*plain)(c)
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *BotOnGroupMessage) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c BotOnGroupMessage) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *BotOnGroupMessage) jsonForm() any { type plain BotOnGroupMessage; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *ChatbotOnC2CSignalMessage) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c ChatbotOnC2CSignalMessage) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *ChatbotOnC2CSignalMessage) jsonForm() any {
	type plain ChatbotOnC2CSignalMessage
	return (*plain)(c)
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *ContentResultNotify) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c ContentResultNotify) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *ContentResultNotify) jsonForm() any { type plain ContentResultNotify; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *OfficialAccountCallback) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c OfficialAccountCallback) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *OfficialAccountCallback) jsonForm() any {
	type plain OfficialAccountCallback
	return (*plain)(c)
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *PushOfflinePush) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c PushOfflinePush) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *PushOfflinePush) jsonForm() any { type plain PushOfflinePush; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *PushAllMemberPush) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c PushAllMemberPush) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *PushAllMemberPush) jsonForm() any { type plain PushAllMemberPush; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *UnknownCallback) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c UnknownCallback) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *UnknownCallback) jsonForm() any { type plain UnknownCallback; return (*plain)(c) }
