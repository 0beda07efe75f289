//! The closed vocabularies of the dataset: each is stored and written as its kebab-case name and
//! shown to people with its label.

/// Declares a vocabulary: an enum with its stored names, human labels and a parser whose error
/// lists every accepted name.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $key:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// The accepted names, for error messages: "meeting, visit, ...".
            pub fn expected() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($key => Ok($name::$variant),)+
                    other => Err(format!("\"{}\" is not {}: expected one of {}", other, $what, Self::expected())),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

vocabulary!(
    /// What kind of thing an event is.
    EventKind, "an event kind" {
        Meeting => "meeting", "Meeting";
        Visit => "visit", "Visit";
        Talks => "talks", "Talks";
        Agreement => "agreement", "Agreement";
        Announcement => "announcement", "Announcement";
        Request => "request", "Request";
        Refusal => "refusal", "Refusal";
        Policy => "policy", "Policy action";
        Enforcement => "enforcement", "Enforcement action";
        Statement => "statement", "Statement";
    }
);

vocabulary!(
    /// PLOVER's quad class: whether an event is cooperation or conflict, in words or in deeds.
    EventClass, "an event class" {
        VerbalCooperation => "verbal-cooperation", "Verbal cooperation";
        MaterialCooperation => "material-cooperation", "Material cooperation";
        VerbalConflict => "verbal-conflict", "Verbal conflict";
        MaterialConflict => "material-conflict", "Material conflict";
    }
);

vocabulary!(
    EventStatus, "an event status" {
        Occurred => "occurred", "Occurred";
        Planned => "planned", "Planned";
    }
);

vocabulary!(
    /// The part a person or organisation played in an event.
    ParticipantRole, "a participant role" {
        Host => "host", "Host";
        Attendee => "attendee", "Attendee";
        Announcer => "announcer", "Announcer";
        Subject => "subject", "Subject";
    }
);

vocabulary!(
    OrganizationKind, "an organisation kind" {
        Government => "government", "Government";
        Ministry => "ministry", "Ministry";
        Agency => "agency", "Agency";
        Legislature => "legislature", "Legislature";
        Party => "party", "Political party";
        Company => "company", "Company";
        Media => "media", "Media";
        Embassy => "embassy", "Embassy";
        Other => "other", "Organisation";
    }
);

vocabulary!(
    AgreementKind, "an agreement kind" {
        Agreement => "agreement", "Agreement";
        Commitment => "commitment", "Commitment";
    }
);

vocabulary!(
    /// How a later event bears on an agreement.
    FollowUpEffect, "a follow-up effect" {
        Fulfils => "fulfils", "Fulfils";
        PartlyFulfils => "partly-fulfils", "Partly fulfils";
        Breaks => "breaks", "Breaks";
    }
);

vocabulary!(
    /// Where an agreement stands, derived from its follow-ups and due date (see `commitment`).
    CommitmentStatus, "a commitment status" {
        Agreed => "agreed", "Agreed";
        Due => "due", "Due";
        Overdue => "overdue", "Overdue";
        InProgress => "in-progress", "In progress";
        Fulfilled => "fulfilled", "Fulfilled";
        FulfilledLate => "fulfilled-late", "Fulfilled late";
        Broken => "broken", "Broken";
    }
);

vocabulary!(
    /// Whose account a source gives: a government's own, a state outlet's, the independent
    /// press's, or another's (a company, a think tank, a trade body).
    SourceVoice, "a source voice" {
        UsGovernment => "us-government", "US government";
        ChineseGovernment => "chinese-government", "Chinese government";
        StateMedia => "state-media", "State media";
        IndependentPress => "independent-press", "Independent press";
        Other => "other", "Other";
    }
);

vocabulary!(
    /// Whose government's account of an event a readout is.
    AccountSide, "an account side" {
        UnitedStates => "united-states", "United States";
        China => "china", "China";
    }
);

impl AccountSide {
    /// Whether a source in this voice can give this side's account: the US government's for
    /// the United States, the Chinese government's or its state media's for China.
    pub fn is_voiced_by(self, voice: SourceVoice) -> bool {
        match self {
            AccountSide::UnitedStates => voice == SourceVoice::UsGovernment,
            AccountSide::China => matches!(
                voice,
                SourceVoice::ChineseGovernment | SourceVoice::StateMedia
            ),
        }
    }

    /// The voices that fit, for error messages.
    pub fn voices(self) -> &'static str {
        match self {
            AccountSide::UnitedStates => "us-government",
            AccountSide::China => "chinese-government or state-media",
        }
    }
}

vocabulary!(
    /// What one item of an account reports.
    AccountItemKind, "an account item kind" {
        Raised => "raised", "Raised";
        Asked => "asked", "Asked";
        Agreed => "agreed", "Agreed";
        Stated => "stated", "Stated";
    }
);

vocabulary!(
    /// What a source's numbered texts are: its own full text, paragraph by paragraph, or the
    /// editors' numbered summary points of it.
    TextKind, "a source text kind" {
        FullText => "full-text", "Full text";
        Summary => "summary", "Editors' summary";
    }
);

impl TextKind {
    /// What one numbered text is called: "paragraph" or "point".
    pub fn unit(self) -> &'static str {
        match self {
            TextKind::FullText => "paragraph",
            TextKind::Summary => "point",
        }
    }

    /// The plural of `unit`.
    pub fn units(self) -> &'static str {
        match self {
            TextKind::FullText => "paragraphs",
            TextKind::Summary => "points",
        }
    }

    /// How a citation names one numbered text: "¶ 3" or "point 3".
    pub fn cite_label(self, number: i64) -> String {
        match self {
            TextKind::FullText => format!("¶ {number}"),
            TextKind::Summary => format!("point {number}"),
        }
    }

    /// The stored name, read leniently: anything but "summary" is full text, as every source
    /// was before summaries existed.
    pub fn from_stored(name: &str) -> Self {
        if name == TextKind::Summary.as_str() {
            TextKind::Summary
        } else {
            TextKind::FullText
        }
    }
}

vocabulary!(
    /// A step in the life of a policy action (a rule, ban or control): see `domain::phase` for
    /// how the steps make the days it is in force.
    PolicyPhase, "a policy phase" {
        Announced => "announced", "Announced";
        Published => "published", "Published";
        InForce => "in-force", "In force";
        Amended => "amended", "Amended";
        Suspended => "suspended", "Suspended";
        Resumed => "resumed", "Resumed";
        Revoked => "revoked", "Revoked";
    }
);

vocabulary!(
    /// Why a note is there: editors' context, a correction of the source, or a fact added from
    /// the public record.
    NoteKind, "a note kind" {
        Editor => "editor", "Editor's note";
        Correction => "correction", "Correction";
        PublicRecord => "public-record", "From the public record";
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_list_the_accepted_ones() {
        for kind in EventKind::ALL {
            assert_eq!(kind.as_str().parse::<EventKind>(), Ok(*kind));
        }
        let err = "meating".parse::<EventKind>().unwrap_err();
        assert!(
            err.starts_with("\"meating\" is not an event kind: expected one of meeting, visit,"),
            "{err}"
        );
    }

    #[test]
    fn voices_parse_and_read_in_words() {
        assert_eq!(
            "chinese-government".parse::<SourceVoice>(),
            Ok(SourceVoice::ChineseGovernment)
        );
        assert_eq!(SourceVoice::UsGovernment.label(), "US government");
        let err = "government".parse::<SourceVoice>().unwrap_err();
        assert!(
            err.contains("us-government, chinese-government, state-media"),
            "{err}"
        );
    }

    #[test]
    fn each_side_is_voiced_by_its_own_government() {
        assert!(AccountSide::UnitedStates.is_voiced_by(SourceVoice::UsGovernment));
        assert!(!AccountSide::UnitedStates.is_voiced_by(SourceVoice::StateMedia));
        assert!(AccountSide::China.is_voiced_by(SourceVoice::ChineseGovernment));
        assert!(AccountSide::China.is_voiced_by(SourceVoice::StateMedia));
        assert!(!AccountSide::China.is_voiced_by(SourceVoice::IndependentPress));
        assert!("taiwan".parse::<AccountSide>().is_err());
        assert_eq!(
            "asked".parse::<AccountItemKind>(),
            Ok(AccountItemKind::Asked)
        );
    }

    #[test]
    fn citations_name_paragraphs_and_points_apart() {
        assert_eq!(TextKind::FullText.cite_label(3), "¶ 3");
        assert_eq!(TextKind::Summary.cite_label(3), "point 3");
        assert_eq!(TextKind::from_stored("summary"), TextKind::Summary);
        assert_eq!(TextKind::from_stored("full-text"), TextKind::FullText);
    }
}
