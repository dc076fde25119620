/// What a store hands out to make a participant from: the next number of its participant sequence, and
/// its epoch — how many times the store was reset. Numbers never repeat within an epoch and epochs never
/// repeat, so ids derived from both are unique for good, even across `/sim/reset`.
public struct ParticipantNumber: Sendable, Hashable {
    public var ordinal: Int
    public var epoch: Int

    public init(ordinal: Int, epoch: Int) {
        self.ordinal = ordinal
        self.epoch = epoch
    }
}
