"""The shapes of the API's answers and questions, as pydantic models: spectree checks requests
against them and writes them into the OpenAPI document, so the document and the code agree."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import (
    AnyUrl,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    create_model,
    field_validator,
)

from app.api.paging import DEFAULT_LIMIT, MAX_ID, MAX_LIMIT

Position = Literal["support", "oppose", "neutral"]


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Questions (query strings). Unknown parameters are ignored, as on most public APIs.


class ListQuery(BaseModel):
    cursor: str | None = Field(
        None, max_length=200, description="The next_cursor of the previous page."
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")


class CommitteeQuery(ListQuery):
    body_id: int | None = Field(None, gt=0, le=MAX_ID, description="Only this body's.")


class MeasureQuery(CommitteeQuery):
    committee_id: int | None = Field(None, gt=0, le=MAX_ID, description="Only this committee's.")


class HearingQuery(MeasureQuery):
    measure_id: int | None = Field(
        None, gt=0, le=MAX_ID, description="Only hearings with this measure on the agenda."
    )
    starts_from: AwareDatetime | None = Field(
        None,
        description="Only hearings starting at or after this time (RFC 3339, with an offset "
        "or Z; years 1900 to 2199).",
    )

    @field_validator("starts_from")
    @classmethod
    def _a_real_year(cls, value: datetime | None) -> datetime | None:
        if value is not None and not 1900 <= value.year <= 2199:
            raise ValueError("Give a year between 1900 and 2199.")
        return value


class TestimonyQuery(ListQuery):
    measure_id: int | None = Field(
        None, gt=0, le=MAX_ID, description="Only testimony addressing this measure."
    )


# Answers.


class Problem(Shape):
    """An error, as RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldProblem] | None = None


class FieldProblem(Shape):
    pointer: str = Field(description="A JSON Pointer, or `?name` for a query parameter.")
    detail: str


class CommitteeRef(Shape):
    id: int
    name: str


class Body(Shape):
    id: int
    slug: str
    name: str
    jurisdiction: str
    timezone: str
    committees: list[CommitteeRef]
    url: AnyUrl


class Committee(Shape):
    id: int
    slug: str
    name: str
    body_id: int
    body_name: str
    url: AnyUrl


class MeasureRef(Shape):
    id: int
    kind: Literal["ordinance", "bill", "order", "resolution"]
    number: str
    title: str


class MeasureTranslation(Shape):
    title: str
    summary: str = Field(description="Empty when only the title is translated.")


class CommitteeAction(Shape):
    id: int
    measure_id: int
    hearing_id: int | None
    kind: str
    label: str
    taken_on: date
    note: str
    recorded_at: datetime
    corrected_at: datetime | None


class Measure(MeasureRef):
    summary: str
    official_url: str | None
    session: str
    committee_id: int
    translations: dict[str, MeasureTranslation] = Field(
        description="The title and summary in other languages, by language code."
    )
    latest_action: CommitteeAction | None
    url: AnyUrl


class SpeakingRules(Shape):
    signup_closes_at: datetime
    minutes_per_speaker: int
    max_speakers: int | None
    modes: Literal["in_person", "remote", "both"]
    officials_first: bool


class Hearing(Shape):
    id: int
    title: str
    description: str
    status: Literal["scheduled", "open", "closed", "held", "cancelled"]
    body_id: int
    committee_id: int
    committee_name: str
    starts_at: datetime
    timezone: str
    location: str
    remote_url: str | None
    testimony_opens_at: datetime
    testimony_closes_at: datetime
    cancelled_at: datetime | None
    measures: list[MeasureRef]
    speaking: SpeakingRules
    updated_at: datetime
    page_url: AnyUrl
    url: AnyUrl


class Speaker(Shape):
    name: str
    organization: str
    measure: str
    position: Position
    mode: str


class Floor(Shape):
    """The published run sheet's public part: who speaks now and who is next."""

    published: bool
    now_speaking: Speaker | None
    up_next: list[Speaker]
    spoke: int
    waiting: int


class Tally(Shape):
    support: int
    oppose: int
    neutral: int


class MeasureTally(Shape):
    measure_id: int
    testimony: Tally = Field(description="Published written testimony.")
    sign_ins: Tally = Field(description="Positions on record without testimony.")


class HearingDetail(Hearing):
    floor: Floor
    tallies: list[MeasureTally]
    actions: list[CommitteeAction]


class Stance(Shape):
    measure_id: int
    position: Position


class Endorsement(Shape):
    name: str = Field(
        description="The registered organisation's name, or the name the sender gave."
    )
    registered: bool = Field(
        description="True for a registered organisation that signed on with its key; false "
        "for an organisation the sender named (their statement, not verified)."
    )
    organisation_id: int | None
    website: str | None
    endorsed_at: datetime


class SentBy(Shape):
    """The registered organisation that sent an item through the API for the resident."""

    organisation_id: int
    name: str


class Testimony(Shape):
    id: int
    tracking_number: str
    hearing_id: int
    received_at: datetime
    full_name: str
    organization: str | None
    speaks_for_organization: bool
    city: str
    positions: list[Stance]
    text: str = Field(description="As published: redacted passages read [redacted].")
    version: int
    campaign_id: int | None
    sent_by: SentBy | None = Field(
        description="The organisation that sent it through the API, if one did."
    )
    endorsements: list[Endorsement]


class SignIn(Shape):
    id: int
    tracking_number: str
    hearing_id: int
    received_at: datetime
    full_name: str
    organization: str | None
    city: str
    positions: list[Stance]
    sent_by: SentBy | None


class Campaign(Shape):
    id: int
    hearing_id: int
    size: int = Field(description="Published letters in the campaign.")
    first_received_at: datetime
    last_received_at: datetime
    representative: Testimony
    endorsements: list[Endorsement] = Field(
        description="Registered organisations signed on to the campaign's letter."
    )


def page_of(model: type[BaseModel]) -> type[BaseModel]:
    """A page of a list of `model`, with the cursor of the next page."""
    return create_model(
        f"{model.__name__}Page",
        __base__=Shape,
        items=(list[model], ...),
        next_cursor=(str | None, None),
        next=(AnyUrl | None, None),
    )


BodyPage = page_of(Body)
CommitteePage = page_of(Committee)
MeasurePage = page_of(Measure)
HearingPage = page_of(Hearing)
TestimonyPage = page_of(Testimony)
SignInPage = page_of(SignIn)
CampaignPage = page_of(Campaign)
ActionList = create_model("CommitteeActionList", __base__=Shape, items=(list[CommitteeAction], ...))

Problem.model_rebuild()
