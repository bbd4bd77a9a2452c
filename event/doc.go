// Package event delivers the SDK's events to your code under the names the
// front-end SDK uses (SDK_READY, SDK_NOT_READY, MESSAGE_RECEIVED, …).
//
// One [Dispatcher] serves two sources: the client's own lifecycle (a
// *tim.Client emits [Ready] and [NotReady] on the dispatcher it was built
// with) and Tencent's callback webhooks, received by the http.Handler from
// [NewHandler] and turned into typed events. Subscribe with the generic [On]:
//
//	d, err := event.NewDispatcher(event.WithLogger(logger))
//	if err != nil { … }
//	event.On(d, func(ctx context.Context, e *event.Ready) { log.Println("ready") })
//	event.On(d, func(ctx context.Context, m *event.ReceivedMessage) { … })
//	hook, err := event.NewHandler(d, sdkAppID, event.WithToken(os.Getenv("TIM_CALLBACK_TOKEN")))
//	if err != nil { … } // e.g. the variable is unset
//	http.Handle("/tim/callback", hook)
//
// Both constructors report a bad argument or option as an
// *api.InvalidInputError naming it; neither panics.
//
// # Callbacks
//
// Every CallbackCommand of Tencent's reference has its own type
// ([*C2CAfterSendMsg], [*GroupAfterSendMsg], [*StateChange], …; anything
// else is [*UnknownCallback]); each is an [Event] named CALLBACK_RECEIVED
// and keeps its raw body ([Callback].Raw). Parsing is tolerant of the drift
// in Tencent's bodies: EventTime as a string or a number, numbers sent as
// strings, missing and unknown fields. [Parse] and [Verify] are usable
// without the handler.
//
// Instants are time.Time: [Meta].EventTime (Unix milliseconds on the
// wire), MsgTime and LastReadTime (Unix seconds), the zero Time when
// Tencent sends 0 or nothing. Sequence numbers are uint64; random keys
// (MsgRandom, Random) uint32. One-to-one and group messages are told apart
// by [message.ConversationType] ([message.ConvC2C], [message.ConvGroup]).
// The callback types marshal to and from Tencent's JSON form, so a
// callback stored or queued as JSON decodes back with json.Unmarshal.
//
// From the callbacks the handler derives the front end's events:
//
//	MESSAGE_RECEIVED       *ReceivedMessage  C2C.CallbackAfterSendMsg, Group.CallbackAfterSendMsg
//	MESSAGE_REVOKED        *RevokedMessage   C2C.CallbackAfterMsgWithDraw, Group.CallbackAfterRecallMsg
//	MESSAGE_READ_BY_PEER   *PeerRead         C2C.CallbackAfterMsgReport
//	USER_STATUS_UPDATED    *UserStatus       State.StateChange
//	KICKED_OUT             *Kicked           State.StateChange with KickedDevice
//	GROUP_CREATED          *NewGroup         Group.CallbackAfterCreateGroup
//	GROUP_DISMISSED        *DismissedGroup   Group.CallbackAfterGroupDestroyed
//	GROUP_MEMBER_JOINED    *MembersJoined    Group.CallbackAfterNewMemberJoin
//	GROUP_MEMBER_LEFT      *MembersLeft      Group.CallbackAfterMemberExit
//	GROUP_PROFILE_UPDATED  *GroupProfile     Group.CallbackAfterGroupInfoChanged
//	PROFILE_UPDATED        *UserProfile      Profile.CallbackPortraitSet
//	FRIEND_ADDED           *NewFriends       Sns.CallbackFriendAdd
//
// The typed callback is delivered first, every time; the derived events
// once per natural key (MsgKey, GroupId+TopicId+MsgSeq, …) within a window
// kept by a [DedupStore], so a callback Tencent delivers twice, or that
// reaches several replicas sharing a store, yields one MESSAGE_RECEIVED.
// With [WithHandoff] that one event travels in one queue entry, which a
// durable queue delivers at least once: its handlers can run again (see
// Hand-off below).
//
// # Signatures
//
// Turn callback authentication on in the console and pass its token with
// [WithToken]: every request must then carry a valid Sign and a fresh
// RequestTime (else 401). Without WithToken the handler checks nothing
// but the SdkAppid, and anyone who finds the URL can post callbacks;
// [NewHandler] logs a warning on the dispatcher's logger then, unless
// [WithoutSignature] says that is meant (authentication off in the
// console). An empty token is never taken to mean "off": NewHandler
// returns an error for WithToken(""), so WithToken(os.Getenv("TIM_CALLBACK_TOKEN"))
// with the variable unset stops the program at start-up instead of opening
// the webhook, and for WithToken combined with WithoutSignature. Printing
// the [Webhook] with any fmt verb never shows the token.
//
// # Before callbacks
//
// "Before" callbacks ([BeforeCallback]: C2C and group before-send, group
// creation, join, invite, topic creation) are answered with a [Decision]
// from the decider registered with [Decide]: allow, allow with a replaced
// body, reject (C2C may pass a code in 120001–130000 to the sender) or drop.
// Tencent waits 2 s; a decider still running after the handler's budget
// (1.5 s by default, counted from the request's arrival, reading the body
// included) is abandoned and the fallback decision answered. A verified
// before callback whose body cannot be read or parsed gets the fallback as
// well, so [WithFallback](Reject(…)) fails closed. Deciders run on at
// most [WithMaxDeciders] goroutines: a decider that never returns holds
// one slot, and when every slot is taken requests get the fallback at
// once, so a stuck decider cannot grow the process without bound.
//
// # Limits
//
// A read deadline is set on the connection when a request arrives, so a
// body that trickles in is cut off inside Tencent's 2 s (before callbacks:
// the fallback; after callbacks: 408). The body buffer grows with the
// bytes that arrive up to [WithMaxBodyBytes], whatever Content-Length
// claims. "After" callbacks are answered when their handlers return or,
// at the latest, when [WithAfterBudget] runs out; the handlers then go on.
//
// # Observing
//
// [WithObserver] reports every request to an [api.Observer]: CallbackStart
// on arrival (its returned context reaches every decider and handler, so
// trace ids flow through) and CallbackEnd once Tencent is answered, with
// the verdict (accepted, duplicate, refused, bad_request, failed), the
// decision, whether the fallback answered, the status and the duration.
//
// # Handlers
//
// Handlers run synchronously, in registration order, on the goroutine that
// emits (for callbacks: the HTTP request's, normally before the answer is
// written; for before callbacks: after the decision, on the decider's
// goroutine). Their context keeps the request's values but is not
// cancelled when the request ends. A panicking handler is recovered and
// logged, and the others still run.
//
// # Hand-off
//
// With [WithHandoff] the handler appends each verified after-callback to a
// [Queue] and answers Tencent at once; [Dispatcher.Work] reads the queue's
// [Source] and dispatches each entry, acknowledging it after its handlers
// returned. A durable, shared queue (contrib/redis's Stream) makes the
// handling survive a replica that dies mid-handler, at the price of
// at-least-once delivery: an entry whose acknowledgement is lost, or that a
// replica holds past the queue's claim time, is handled again, so handlers
// must be idempotent; [MemoryQueue] is the in-process version for tests.
package event
