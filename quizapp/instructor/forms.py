"""Instructor forms."""

from __future__ import annotations

from functools import cache

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..config import MAX_UPLOAD_BYTES
from ..core.bank_check import FORMATS, MAX_QUESTIONS
from ..core.timezones import grouped_zones, is_common_zone
from ..models import PRIVATE, VISIBILITIES
from ..quiz.forms import MultiCheckboxField

# The first is what the browser's datetime-local input shows; the others are read too (older forms, scripts).
DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
UPLOAD_EXTENSIONS = ["yaml", "yml", "gift", "txt", "csv", "aiken", "xml"]


class UploadForm(FlaskForm):
    file = FileField("Bank file", validators=[
        FileRequired("Choose a file to upload."),
        FileAllowed(UPLOAD_EXTENSIONS, "Upload a .yaml, .gift, .txt, .csv, .aiken or Moodle .xml file."),
        FileSize(MAX_UPLOAD_BYTES, message=f"The file is larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB."),
    ])
    limits = f"At most {MAX_UPLOAD_BYTES // 1024 // 1024} MB and {MAX_QUESTIONS:,} questions."
    format = SelectField("Format", choices=[SelectChoice("", "Detect from the file name"),
                                            *[SelectChoice(k, v) for k, v in FORMATS.items()]],
                         validators=[Optional()])
    title = StringField("Title (optional; default: the file name)", validators=[Optional(), Length(max=200)])
    slug = StringField("Short name for links (optional)", validators=[
        Optional(), Length(max=64), Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message="Use a-z, 0-9 and single '-'.")])
    visibility = RadioField("Who may use it", choices=[SelectChoice(k, v) for k, v in VISIBILITIES.items()],
                            default=PRIVATE)
    submit = SubmitField("Check the file")


class VisibilityForm(FlaskForm):
    visibility = RadioField("Who may use it", choices=[SelectChoice(k, v) for k, v in VISIBILITIES.items()],
                            validators=[InputRequired()])
    submit = SubmitField("Save")


class ConfirmForm(FlaskForm):
    submit = SubmitField("Import")


class ButtonForm(FlaskForm):
    """A CSRF-protected one-button POST (enable/disable, delete, cancel, promote)."""

    submit = SubmitField("Go")


@cache
def zone_choices() -> list[SelectChoice]:
    """The time-zone select's choices, each in its region's optgroup, built once per process rather than for every
    form (about 420; flat with ``optgroup`` set, WTForms uses them as they are instead of copying each one
    into its group on every render and validation). Nothing changes a SelectChoice after it is built."""
    return [SelectChoice(name, name, optgroup=region) for region, names in grouped_zones().items() for name in names]


class AssignmentForm(FlaskForm):
    title = StringField("Title", validators=[InputRequired(), Length(max=200)])
    kinds = MultiCheckboxField("Question kinds (none ticked = all)", validators=[Optional()])
    categories = MultiCheckboxField("Categories (none ticked = all)", validators=[Optional()])
    question_count = IntegerField("Number of questions", default=10, validators=[InputRequired(),
                                                                                   NumberRange(1, 200)])
    shuffle = BooleanField("Shuffle questions and answers", default=True)
    feedback = RadioField("Show right answers", default="immediate", choices=[
        SelectChoice("immediate", "Immediately, after each question"),
        SelectChoice("after_close", "Only after the assignment closes")], validators=[InputRequired()])
    time_limit_minutes = IntegerField("Time limit in minutes (empty = none)", validators=[Optional(),
                                                                                          NumberRange(1, 600)])
    attempts_allowed = IntegerField("Attempts allowed (0 = unlimited)", default=1,
                                    validators=[InputRequired(), NumberRange(0, 100)])
    # Not sent (an older form, a script): the instructor's saved zone is used.
    timezone = SelectField("Your time zone (for the dates below)", validators=[Optional()])
    opens_at = DateTimeLocalField("Opens (empty = now)", format=DATETIME_LOCAL, validators=[Optional()])
    closes_at = DateTimeLocalField("Closes (empty = never)", format=DATETIME_LOCAL, validators=[Optional()])
    submit = SubmitField("Create assignment")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = zone_choices()

    def validate_timezone(self, field: SelectField) -> None:
        if not is_common_zone(field.data or ""):
            raise ValidationError("Choose a time zone from the list.")

    def validate_closes_at(self, field: DateTimeLocalField) -> None:
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError("The closing time must be after the opening time.")

    def validate_feedback(self, field: RadioField) -> None:
        if field.data == "after_close" and not self.closes_at.data:
            raise ValidationError("Answers shown after closing need a closing time.")
