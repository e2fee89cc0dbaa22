"""`{% may "session.cancel" session as can_cancel %}`: the template asks the policy before drawing a button, so a
button never shows for an action the service would refuse. The name is one of `clinic.policy.Action`'s values;
an unknown name is an error, not a hidden button."""

from django import template

from clinic import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action: str, obj=None) -> bool:
    request = context.get("request")
    user = request.user if request is not None else context.get("user")
    return policy.allows(user, action, obj)
