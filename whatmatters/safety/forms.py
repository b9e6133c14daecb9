from __future__ import annotations

from django import forms


class AlertUpdateForm(forms.Form):
    decision = forms.ChoiceField(choices=[("acknowledge", "Acknowledge"), ("responded", "Responded")])
    note = forms.CharField(
        label="What we did (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
