package cn.laowu.app.ui

import android.content.Context
import android.graphics.Typeface
import android.text.InputType
import android.view.View
import android.view.ViewGroup.LayoutParams.MATCH_PARENT
import android.view.ViewGroup.LayoutParams.WRAP_CONTENT
import android.widget.Button
import android.widget.CheckBox
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView

/**
 * Framework views sized for a construction site: gloves, glare, one hand. Touch
 * targets are at least 64dp tall (Android asks for 48), text is large.
 */
class Ui(val context: Context) {
    private val density = context.resources.displayMetrics.density

    fun dp(value: Int): Int = (value * density).toInt()

    fun column(vararg children: View): LinearLayout = LinearLayout(context).apply {
        orientation = LinearLayout.VERTICAL
        setPadding(dp(16), dp(12), dp(16), dp(12))
        children.forEach { addView(it, LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT)) }
    }

    fun scroll(content: View): ScrollView = ScrollView(context).apply { addView(content) }

    fun title(text: Tr): TextView = TextView(context).apply {
        this.text = text.stacked()
        textSize = 24f
        setTypeface(typeface, Typeface.BOLD)
        setPadding(0, dp(8), 0, dp(8))
    }

    fun body(text: String, tag: String? = null): TextView = TextView(context).apply {
        this.text = text
        textSize = 18f
        setPadding(0, dp(4), 0, dp(4))
        this.tag = tag
    }

    fun button(text: Tr, tag: String, onClick: () -> Unit): Button = Button(context).apply {
        this.text = text.both()
        this.tag = tag
        textSize = 20f
        minHeight = dp(64)
        contentDescription = "${text.zh} ${text.en}"
        setOnClickListener { onClick() }
    }

    fun field(hint: Tr, tag: String, kind: Int = InputType.TYPE_CLASS_TEXT): EditText =
        EditText(context).apply {
            this.hint = hint.both()
            this.tag = tag
            textSize = 20f
            minHeight = dp(56)
            inputType = kind
        }

    fun check(text: String, tag: String, checked: Boolean = false): CheckBox =
        CheckBox(context).apply {
            this.text = text
            this.tag = tag
            textSize = 18f
            minHeight = dp(56)
            isChecked = checked
        }
}

/** The shown text of a view found by tag, for the shell's own checks. */
fun View.text(tag: String): String? = (findViewWithTag<View>(tag) as? TextView)?.text?.toString()
