//! Online procedures (M7) and the one rule for how their status may move:
//! 受付 → 審査中 → 承諾 / 不承諾 for changes that are reviewed, 受付 → 発送済
//! for documents and certificates, and 取消 by the member while still 受付.
//! Every status change, by members or staff, goes through [`transition`].

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// 特約追加
    RiderAddition,
    /// コース変更
    CourseChange,
    /// 書類のお取り寄せ
    DocumentRequest,
    /// 掛金払込証明書の再発行 (paper)
    CertificateReissue,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Self::RiderAddition => "特約追加",
            Self::CourseChange => "コース変更",
            Self::DocumentRequest => "書類のお取り寄せ",
            Self::CertificateReissue => "掛金払込証明書の再発行",
        }
    }

    /// Reviewed and decided, rather than sent out.
    pub fn is_reviewed(self) -> bool {
        matches!(self, Self::RiderAddition | Self::CourseChange)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Received,
    UnderReview,
    Approved,
    Declined,
    Shipped,
    Cancelled,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Self::Received => "受付",
            Self::UnderReview => "審査中",
            Self::Approved => "承諾",
            Self::Declined => "不承諾",
            Self::Shipped => "発送済",
            Self::Cancelled => "取消",
        }
    }

    /// Nothing follows these.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Approved | Self::Declined | Self::Shipped | Self::Cancelled
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    Member,
    Staff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("このお手続きは、すでに「{0}」のため変更できません。")]
    Final(&'static str),
    #[error("取り消しできるのは、状況が「受付」のお手続きだけです。")]
    TooLateToCancel,
    #[error("この操作は行えません。")]
    NotAllowed,
}

/// Whether `actor` may move a `kind` procedure from `from` to `to`.
pub fn transition(
    kind: Kind,
    from: Status,
    to: Status,
    actor: Actor,
) -> Result<(), TransitionError> {
    use Status::*;
    if from.is_final() {
        return Err(TransitionError::Final(from.label()));
    }
    match (actor, from, to) {
        (Actor::Member, Received, Cancelled) => Ok(()),
        (Actor::Member, _, Cancelled) => Err(TransitionError::TooLateToCancel),
        (Actor::Member, _, _) => Err(TransitionError::NotAllowed),
        (Actor::Staff, Received, UnderReview) if kind.is_reviewed() => Ok(()),
        (Actor::Staff, UnderReview, Approved | Declined) if kind.is_reviewed() => Ok(()),
        (Actor::Staff, Received, Shipped) if !kind.is_reviewed() => Ok(()),
        _ => Err(TransitionError::NotAllowed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    const ALL: [Status; 6] = [
        Received,
        UnderReview,
        Approved,
        Declined,
        Shipped,
        Cancelled,
    ];
    const KINDS: [Kind; 4] = [
        Kind::RiderAddition,
        Kind::CourseChange,
        Kind::DocumentRequest,
        Kind::CertificateReissue,
    ];

    /// Every move the rule allows, spelled out; everything else must be refused.
    fn allowed(kind: Kind, from: Status, to: Status, actor: Actor) -> bool {
        let reviewed = kind.is_reviewed();
        matches!(
            (actor, from, to, reviewed),
            (Actor::Member, Received, Cancelled, _)
                | (Actor::Staff, Received, UnderReview, true)
                | (Actor::Staff, UnderReview, Approved, true)
                | (Actor::Staff, UnderReview, Declined, true)
                | (Actor::Staff, Received, Shipped, false)
        )
    }

    #[test]
    fn exactly_the_documented_moves_are_allowed() {
        for kind in KINDS {
            for from in ALL {
                for to in ALL {
                    for actor in [Actor::Member, Actor::Staff] {
                        assert_eq!(
                            transition(kind, from, to, actor).is_ok(),
                            allowed(kind, from, to, actor),
                            "{kind:?} {from:?} -> {to:?} by {actor:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(
            transition(Kind::CourseChange, UnderReview, Cancelled, Actor::Member),
            Err(TransitionError::TooLateToCancel)
        );
        let e = transition(Kind::DocumentRequest, Shipped, Cancelled, Actor::Member).unwrap_err();
        assert_eq!(
            e.to_string(),
            "このお手続きは、すでに「発送済」のため変更できません。"
        );
        assert_eq!(
            transition(Kind::RiderAddition, Received, Approved, Actor::Staff),
            Err(TransitionError::NotAllowed),
            "a change is reviewed before it is decided"
        );
    }
}
