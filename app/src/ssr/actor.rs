//! Who acted: a member, a staff member, or the co-op's system (an operator
//! command, housekeeping). One type for procedures, the audit log and mails.

use crate::domain::procedure::Actor as Side;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Member {
        account_id: i32,
    },
    Staff {
        staff_id: i32,
    },
    /// The co-op without a staff account: an operator command on the server.
    System,
}

impl Actor {
    /// The side a procedure shows (ご本人 / 当組合): the system acts for the co-op.
    pub fn side(self) -> Side {
        match self {
            Self::Member { .. } => Side::Member,
            Self::Staff { .. } | Self::System => Side::Staff,
        }
    }

    pub fn staff_id(self) -> Option<i32> {
        match self {
            Self::Staff { staff_id } => Some(staff_id),
            _ => None,
        }
    }
}
