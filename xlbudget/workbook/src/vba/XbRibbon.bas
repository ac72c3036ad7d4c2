Attribute VB_Name = "XbRibbon"
' xlbudget: ribbon callbacks of the budget-review tab (customUI14.xml).
' Every button calls XbOnAction; the Python side (xlbudget.ribbon.ACTIONS) is the
' allow-list that maps a button id to an action. The id is checked here as well, so
' that nothing but letters, digits and underscores ever reaches the Python command line.
' Keep this module ASCII-only: VBA source is stored in code page 1252.
Option Explicit

Public Sub XbOnAction(control As IRibbonControl)
    Dim buttonId As String
    buttonId = control.Id
    If Not XbIsSafeId(buttonId) Then
        MsgBox "xlbudget: unknown ribbon button '" & buttonId & "'.", vbExclamation, "xlbudget"
        Exit Sub
    End If
    RunPython "import xlbudget.ribbon; xlbudget.ribbon.run('" & buttonId & "')"
End Sub

Private Function XbIsSafeId(ByVal text As String) As Boolean
    Dim i As Long
    XbIsSafeId = False
    If Len(text) = 0 Or Len(text) > 64 Then Exit Function
    For i = 1 To Len(text)
        If Not (Mid$(text, i, 1) Like "[A-Za-z0-9_]") Then Exit Function
    Next i
    XbIsSafeId = True
End Function
