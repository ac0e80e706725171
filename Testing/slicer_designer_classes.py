"""Qt / CTK / 3D Slicer designer widget classes, as plain data, for checking .ui files statically.

Desktop 3D Slicer cannot run in this project's test environment, so ``test_slicer_ui.py`` checks the
module's Qt Designer file against this table instead: a class, property, enum value, header, base
class or signal/slot that is not listed here is reported as a problem.  Nothing in this module is
imported from Qt, CTK or Slicer; it is a table of names read from their headers, with the source of
each group of facts below.  (The names were pulled out of the headers with a throw-away script, not
shipped, and checked by hand; no third-party code is copied here.)

Where each fact was read
------------------------
``qt5``
    Qt 5.15 qtbase public headers, as shipped by Debian 12 "bookworm" package
    ``qtbase5-dev`` 5.15.8+dfsg-11+deb12u3 (``/usr/include/x86_64-linux-gnu/qt5/``):
    ``QtCore/qobject.h``, ``QtCore/qnamespace.h`` (``Qt::`` enums) and ``QtWidgets/q*.h``
    (``qwidget.h``, ``qframe.h``, ``qabstractbutton.h``, ``qpushbutton.h``, ``qtoolbutton.h``,
    ``qcheckbox.h``, ``qradiobutton.h``, ``qlabel.h``, ``qlineedit.h``, ``qcombobox.h``,
    ``qabstractspinbox.h``, ``qspinbox.h``, ``qprogressbar.h``, ``qgroupbox.h``,
    ``qabstractscrollarea.h``, ``qtextedit.h``, ``qlayout.h``, ``qboxlayout.h``,
    ``qformlayout.h``, ``qgridlayout.h``, ``qsizepolicy.h``, ``qslider.h``, ``qfiledialog.h``).
    Slicer 5.12 is built against Qt 5.15 by default (Slicer v5.12.3 ``CMakeLists.txt``,
    ``Slicer_REQUIRED_QT_VERSION`` "5.15"; "6.8" only when ``Qt6_DIR`` is given); the official
    builds use 5.15.2, and Qt patch releases add no API, so 5.15.8's headers stand for it.
    Properties guarded by ``QT_DEPRECATED_SINCE`` (``QLayout::margin``,
    ``QComboBox::autoCompletion``, ``QTextEdit::tabStopWidth``) are listed: Qt 5.15 itself is
    built with the deprecated API in (from knowledge), so they are in its meta-objects.  A Qt 6
    build of Slicer would differ (e.g. no ``QLayout::margin``).
``qttools``
    Qt Designer / uic behaviour that is not a C++ ``Q_PROPERTY``, from github.com/qt/qttools
    (stored copies of single files; the revisions are the ones that were available):
    ``src/designer/src/lib/shared/spacer_widget_p.h`` (class ``Spacer``: the ``<spacer>``
    properties ``orientation``, ``sizeType``, ``sizeHint``; commit 0b97d519205b, a Qt 6-era copy;
    that Qt 5.15's Spacer has the same three is from knowledge, and uic below reads the same three),
    ``src/designer/src/components/formeditor/layout_propertysheet.cpp`` (layout "fake" properties
    ``leftMargin``/``topMargin``/``rightMargin``/``bottomMargin`` on every layout and
    ``horizontalSpacing``/``verticalSpacing`` on grid layouts; commit 01e4919d2a89),
    ``src/designer/src/lib/shared/widgetdatabase.cpp`` (which built-in classes are containers:
    QWidget, QFrame, QGroupBox, ...; commit 007a1b71fb92) and
    ``src/designer/src/lib/uilib/widgets.table`` (which Qt classes Designer can instantiate; commit
    1d9bb3c433e6, a Qt 5.9-or-later copy).  github.com/qt/qtbase
    ``src/tools/uic/cpp/cppwriteinitialization.cpp`` (commit 00ef07fe96f5, a Qt 5.0-era copy)
    shows uic reading ``sizeHint``/``sizeType``/``orientation`` of a spacer, the layout margins,
    and QLabel's ``buddy`` pseudo-property; that ``buddy`` is written as a ``<cstring>`` is from
    knowledge of Designer, not from a file read here.
``ctk``
    github.com/commontk/CTK at commit 5056664a20a3d0a393bb6d91f040525581e0dcdf, the CTK revision
    that Slicer v5.12.3 pins (``SuperBuild/External_CTK.cmake``, ``Slicer_CTK_GIT_TAG``; Slicer
    v5.10.0 pinned dd4caeae7e979cf441e44ee85d3b0780120d113d).  Classes from
    ``Libs/Widgets/<Class>.h``; header names and container flags from the designer plugins
    ``Libs/Widgets/Plugins/<Class>Plugin.cpp`` (``includeFile()``, ``isContainer()``).
    ``USE_QFILEDIALOG_OPTIONS`` is not defined in that revision, so ``ctkPathLineEdit::options``
    and ``ctkDirectoryButton::options`` are CTK's own ``Options`` flags.
``slicer``
    github.com/Slicer/Slicer tag v5.12.3 (commit 9034c71a8fce68ab312458b3d7d16f610562263d):
    ``Libs/MRML/Widgets/qMRMLWidget.h``, ``qMRMLNodeComboBox.h``, ``qMRMLSliderWidget.h``,
    ``qMRMLSpinBox.h``, ``qMRMLSegmentSelectorWidget.h`` (this header lives in
    ``Libs/MRML/Widgets`` in v5.10.0 and v5.12.3, although its designer plugin is
    ``Modules/Loadable/Segmentations/Widgets/DesignerPlugins/qMRMLSegmentSelectorWidgetPlugin.cxx``),
    ``Modules/Loadable/Markups/Widgets/qSlicerMarkupsPlaceWidget.h`` and
    ``Base/QTGUI/qSlicerWidget.h``; header names and container flags from the designer plugins
    (``Libs/MRML/Widgets/DesignerPlugins/*Plugin.cxx``, ``Base/QTGUI/DesignerPlugins/
    qSlicerWidgetPlugin.cxx``, ``Modules/Loadable/*/Widgets/DesignerPlugins/*Plugin.cxx``).

Layout of the data
------------------
``CLASSES[name]`` has:

``origin``      "Qt", "CTK" or "Slicer": a non-Qt class needs a ``<customwidget>`` entry in a .ui.
``kind``        "widget", "layout", "spacer" or "object" (QObject).
``base``        the C++ base class on the QObject side (``None`` for QObject and for ``spacer``).
                A ``<customwidget>``'s ``<extends>`` must be this class or one of its ancestors.
                (qSlicerWidget also derives from the non-QObject ``qSlicerObject``; QWidget and
                QLayout also derive from QPaintDevice / QLayoutItem.)
``header``      the ``<header>`` a ``<customwidget>`` gives (the designer plugin's includeFile()).
``container``   whether Designer treats the class as a container (may hold child widgets); not
                inherited (QFrame is a container, QLabel is not).
``designer``    whether a .ui may instantiate the class (a Designer built-in or plugin class);
                False for abstract bases (QAbstractButton, QLayout, ...).
``source``, ``path``  where it was read (``source`` is a key of the list above).
``properties``  the ``Q_PROPERTY`` names the class declares itself -> their C++ type; an enum or
                flags type is qualified and is a key of ``ENUMS`` / ``FLAGS``.
``read_only``   declared properties without WRITE: a .ui cannot set them.
``designer_properties``  pseudo-properties that Designer and uic/QUiLoader handle although they
                are not ``Q_PROPERTY``s (source ``qttools``).
``signals``, ``slots``  normalised signatures (as a .ui ``<connection>`` writes them) of the
                class's own signals and public slots; ``Q_INVOKABLE`` methods are not slots.

Properties, signals and slots are inherited: resolve them through the ``base`` chain.
``ENUMS[type]`` / ``FLAGS[type]`` list the values as a .ui writes them (``<enum>`` / ``<set>``,
``Scope::Key``, the scope being the class or namespace that declares the enum).

Uncertain or from knowledge rather than from a file read here: Qt 5.15 signals/slots were read
from the 5.15.8 headers with a small parser (default arguments give one signature per arity);
``VALUE_ELEMENTS`` (which ``<property>`` child element each C++ type takes) follows the .ui
format as Designer writes it (``ui4.h`` DomProperty kinds), from knowledge.
"""

# Short names for the sources above (the ``source`` field of CLASSES).
SOURCES = {
    "qt5": "Qt 5.15 qtbase headers, Debian bookworm qtbase5-dev 5.15.8+dfsg-11+deb12u3, "
           "/usr/include/x86_64-linux-gnu/qt5/",
    "qttools": "github.com/qt/qttools, src/designer (the revisions named in the module docstring)",
    "ctk": "github.com/commontk/CTK @ 5056664a20a3d0a393bb6d91f040525581e0dcdf "
           "(pinned by Slicer v5.12.3 SuperBuild/External_CTK.cmake)",
    "slicer": "github.com/Slicer/Slicer @ v5.12.3 (9034c71a8fce68ab312458b3d7d16f610562263d)",
}

# Which child element of <property> may carry a value of each C++ type ("*" = any).  Enum-typed
# properties take <enum>, flags-typed ones <set> (a lone flag may also be written as <enum>).
VALUE_ELEMENTS = {
    "bool": ("bool",),
    "int": ("number",),
    "uint": ("number",),
    "double": ("double", "number"),
    "qreal": ("double", "number"),
    "float": ("double", "number"),
    "QString": ("string",),
    "QStringList": ("stringlist",),
    "QByteArray": ("cstring",),
    "QKeySequence": ("string",),
    "QSize": ("size",),
    "QRect": ("rect",),
    "QPoint": ("point",),
    "QSizePolicy": ("sizepolicy",),
    "QFont": ("font",),
    "QPalette": ("palette",),
    "QCursor": ("cursorShape", "cursor"),
    "QIcon": ("iconset",),
    "QPixmap": ("pixmap",),
    "QColor": ("color",),
    "QLocale": ("locale",),
    "QVariant": ("*",),
}

# Attributes a <layout> element and a layout <item> element may carry (Designer's ui4 format,
# cf. layout_propertysheet.cpp: the stretch/minimum lists are written as <layout> attributes).
LAYOUT_ATTRIBUTES = ("class", "name", "stretch", "rowstretch", "columnstretch",
                     "rowminimumheight", "columnminimumwidth")
ITEM_ATTRIBUTES = ("row", "column", "rowspan", "colspan", "alignment")

ENUMS = {
    # qt5: QtCore/qnamespace.h, enum Orientation
    'Qt::Orientation': ('Qt::Horizontal', 'Qt::Vertical'),
    # qt5: QtCore/qnamespace.h, enum WindowModality
    'Qt::WindowModality': ('Qt::NonModal', 'Qt::WindowModal', 'Qt::ApplicationModal'),
    # qt5: QtCore/qnamespace.h, enum FocusPolicy
    'Qt::FocusPolicy': (
        'Qt::NoFocus', 'Qt::TabFocus', 'Qt::ClickFocus', 'Qt::StrongFocus', 'Qt::WheelFocus',
    ),
    # qt5: QtCore/qnamespace.h, enum ContextMenuPolicy
    'Qt::ContextMenuPolicy': (
        'Qt::NoContextMenu', 'Qt::DefaultContextMenu', 'Qt::ActionsContextMenu', 'Qt::CustomContextMenu',
        'Qt::PreventContextMenu',
    ),
    # qt5: QtCore/qnamespace.h, enum LayoutDirection
    'Qt::LayoutDirection': ('Qt::LeftToRight', 'Qt::RightToLeft', 'Qt::LayoutDirectionAuto'),
    # qt5: QtCore/qnamespace.h, enum TextFormat
    'Qt::TextFormat': ('Qt::PlainText', 'Qt::RichText', 'Qt::AutoText', 'Qt::MarkdownText'),
    # qt5: QtCore/qnamespace.h, enum CursorMoveStyle
    'Qt::CursorMoveStyle': ('Qt::LogicalMoveStyle', 'Qt::VisualMoveStyle'),
    # qt5: QtCore/qnamespace.h, enum ToolButtonStyle
    'Qt::ToolButtonStyle': (
        'Qt::ToolButtonIconOnly', 'Qt::ToolButtonTextOnly', 'Qt::ToolButtonTextBesideIcon',
        'Qt::ToolButtonTextUnderIcon', 'Qt::ToolButtonFollowStyle',
    ),
    # qt5: QtCore/qnamespace.h, enum ArrowType
    'Qt::ArrowType': (
        'Qt::NoArrow', 'Qt::UpArrow', 'Qt::DownArrow', 'Qt::LeftArrow', 'Qt::RightArrow',
    ),
    # qt5: QtCore/qnamespace.h, enum ScrollBarPolicy
    'Qt::ScrollBarPolicy': ('Qt::ScrollBarAsNeeded', 'Qt::ScrollBarAlwaysOff', 'Qt::ScrollBarAlwaysOn'),
    # qt5: QtCore/qnamespace.h, enum TextElideMode
    'Qt::TextElideMode': ('Qt::ElideLeft', 'Qt::ElideRight', 'Qt::ElideMiddle', 'Qt::ElideNone'),
    # qt5: QtCore/qnamespace.h, enum CheckState
    'Qt::CheckState': ('Qt::Unchecked', 'Qt::PartiallyChecked', 'Qt::Checked'),
    # qt5: QtCore/qnamespace.h, enum CaseSensitivity
    'Qt::CaseSensitivity': ('Qt::CaseInsensitive', 'Qt::CaseSensitive'),
    # qt5: QtWidgets/qframe.h, enum Shape
    'QFrame::Shape': (
        'QFrame::NoFrame', 'QFrame::Box', 'QFrame::Panel', 'QFrame::WinPanel', 'QFrame::HLine',
        'QFrame::VLine', 'QFrame::StyledPanel',
    ),
    # qt5: QtWidgets/qframe.h, enum Shadow
    'QFrame::Shadow': ('QFrame::Plain', 'QFrame::Raised', 'QFrame::Sunken'),
    # qt5: QtWidgets/qlineedit.h, enum EchoMode
    'QLineEdit::EchoMode': (
        'QLineEdit::Normal', 'QLineEdit::NoEcho', 'QLineEdit::Password', 'QLineEdit::PasswordEchoOnEdit',
    ),
    # qt5: QtWidgets/qcombobox.h, enum InsertPolicy
    'QComboBox::InsertPolicy': (
        'QComboBox::NoInsert', 'QComboBox::InsertAtTop', 'QComboBox::InsertAtCurrent',
        'QComboBox::InsertAtBottom', 'QComboBox::InsertAfterCurrent', 'QComboBox::InsertBeforeCurrent',
        'QComboBox::InsertAlphabetically',
    ),
    # qt5: QtWidgets/qcombobox.h, enum SizeAdjustPolicy
    'QComboBox::SizeAdjustPolicy': (
        'QComboBox::AdjustToContents', 'QComboBox::AdjustToContentsOnFirstShow',
        'QComboBox::AdjustToMinimumContentsLength', 'QComboBox::AdjustToMinimumContentsLengthWithIcon',
    ),
    # qt5: QtWidgets/qabstractspinbox.h, enum ButtonSymbols
    'QAbstractSpinBox::ButtonSymbols': (
        'QAbstractSpinBox::UpDownArrows', 'QAbstractSpinBox::PlusMinus', 'QAbstractSpinBox::NoButtons',
    ),
    # qt5: QtWidgets/qabstractspinbox.h, enum CorrectionMode
    'QAbstractSpinBox::CorrectionMode': (
        'QAbstractSpinBox::CorrectToPreviousValue', 'QAbstractSpinBox::CorrectToNearestValue',
    ),
    # qt5: QtWidgets/qabstractspinbox.h, enum StepType
    'QAbstractSpinBox::StepType': (
        'QAbstractSpinBox::DefaultStepType', 'QAbstractSpinBox::AdaptiveDecimalStepType',
    ),
    # qt5: QtWidgets/qprogressbar.h, enum Direction
    'QProgressBar::Direction': ('QProgressBar::TopToBottom', 'QProgressBar::BottomToTop'),
    # qt5: QtWidgets/qtextedit.h, enum LineWrapMode
    'QTextEdit::LineWrapMode': (
        'QTextEdit::NoWrap', 'QTextEdit::WidgetWidth', 'QTextEdit::FixedPixelWidth',
        'QTextEdit::FixedColumnWidth',
    ),
    # qt5: QtWidgets/qabstractscrollarea.h, enum SizeAdjustPolicy
    'QAbstractScrollArea::SizeAdjustPolicy': (
        'QAbstractScrollArea::AdjustIgnored', 'QAbstractScrollArea::AdjustToContentsOnFirstShow',
        'QAbstractScrollArea::AdjustToContents',
    ),
    # qt5: QtWidgets/qlayout.h, enum SizeConstraint
    'QLayout::SizeConstraint': (
        'QLayout::SetDefaultConstraint', 'QLayout::SetNoConstraint', 'QLayout::SetMinimumSize',
        'QLayout::SetFixedSize', 'QLayout::SetMaximumSize', 'QLayout::SetMinAndMaxSize',
    ),
    # qt5: QtWidgets/qformlayout.h, enum FieldGrowthPolicy
    'QFormLayout::FieldGrowthPolicy': (
        'QFormLayout::FieldsStayAtSizeHint', 'QFormLayout::ExpandingFieldsGrow',
        'QFormLayout::AllNonFixedFieldsGrow',
    ),
    # qt5: QtWidgets/qformlayout.h, enum RowWrapPolicy
    'QFormLayout::RowWrapPolicy': (
        'QFormLayout::DontWrapRows', 'QFormLayout::WrapLongRows', 'QFormLayout::WrapAllRows',
    ),
    # qt5: QtWidgets/qtoolbutton.h, enum ToolButtonPopupMode
    'QToolButton::ToolButtonPopupMode': (
        'QToolButton::DelayedPopup', 'QToolButton::MenuButtonPopup', 'QToolButton::InstantPopup',
    ),
    # qt5: QtWidgets/qsizepolicy.h, enum Policy
    'QSizePolicy::Policy': (
        'QSizePolicy::Fixed', 'QSizePolicy::Minimum', 'QSizePolicy::Maximum', 'QSizePolicy::Preferred',
        'QSizePolicy::MinimumExpanding', 'QSizePolicy::Expanding', 'QSizePolicy::Ignored',
    ),
    # qt5: QtWidgets/qslider.h, enum TickPosition
    'QSlider::TickPosition': (
        'QSlider::NoTicks', 'QSlider::TicksAbove', 'QSlider::TicksLeft', 'QSlider::TicksBelow',
        'QSlider::TicksRight', 'QSlider::TicksBothSides',
    ),
    # qt5: QtWidgets/qfiledialog.h, enum AcceptMode
    'QFileDialog::AcceptMode': ('QFileDialog::AcceptOpen', 'QFileDialog::AcceptSave'),
    # ctk: Libs/Widgets/ctkPathLineEdit.h, enum SizeAdjustPolicy
    'ctkPathLineEdit::SizeAdjustPolicy': (
        'ctkPathLineEdit::AdjustToContents', 'ctkPathLineEdit::AdjustToContentsOnFirstShow',
        'ctkPathLineEdit::AdjustToMinimumContentsLength',
    ),
    # ctk: Libs/Widgets/ctkDoubleSpinBox.h, enum SetMode
    'ctkDoubleSpinBox::SetMode': ('ctkDoubleSpinBox::SetAlways', 'ctkDoubleSpinBox::SetIfDifferent'),
    # ctk: Libs/Widgets/ctkDoubleSpinBox.h, enum SizeHintPolicy
    'ctkDoubleSpinBox::SizeHintPolicy': ('ctkDoubleSpinBox::SizeHintByMinMax', 'ctkDoubleSpinBox::SizeHintByValue'),
    # ctk: Libs/Widgets/ctkComboBox.h, enum ScrollEffect
    'ctkComboBox::ScrollEffect': (
        'ctkComboBox::NeverScroll', 'ctkComboBox::AlwaysScroll', 'ctkComboBox::ScrollWithFocus',
        'ctkComboBox::ScrollWithNoVScrollBar',
    ),
    # slicer: Modules/Loadable/Markups/Widgets/qSlicerMarkupsPlaceWidget.h, enum PlaceMultipleMarkupsType
    'qSlicerMarkupsPlaceWidget::PlaceMultipleMarkupsType': (
        'qSlicerMarkupsPlaceWidget::ShowPlaceMultipleMarkupsOption',
        'qSlicerMarkupsPlaceWidget::HidePlaceMultipleMarkupsOption',
        'qSlicerMarkupsPlaceWidget::ForcePlaceSingleMarkup',
        'qSlicerMarkupsPlaceWidget::ForcePlaceMultipleMarkups',
    ),
}

FLAGS = {
    # qt5: QtCore/qnamespace.h, enum AlignmentFlag
    'Qt::Alignment': (
        'Qt::AlignLeft', 'Qt::AlignLeading', 'Qt::AlignRight', 'Qt::AlignTrailing', 'Qt::AlignHCenter',
        'Qt::AlignJustify', 'Qt::AlignAbsolute', 'Qt::AlignHorizontal_Mask', 'Qt::AlignTop',
        'Qt::AlignBottom', 'Qt::AlignVCenter', 'Qt::AlignBaseline', 'Qt::AlignVertical_Mask',
        'Qt::AlignCenter',
    ),
    # qt5: QtCore/qnamespace.h, enum TextInteractionFlag
    'Qt::TextInteractionFlags': (
        'Qt::NoTextInteraction', 'Qt::TextSelectableByMouse', 'Qt::TextSelectableByKeyboard',
        'Qt::LinksAccessibleByMouse', 'Qt::LinksAccessibleByKeyboard', 'Qt::TextEditable',
        'Qt::TextEditorInteraction', 'Qt::TextBrowserInteraction',
    ),
    # qt5: QtCore/qnamespace.h, enum InputMethodHint
    'Qt::InputMethodHints': (
        'Qt::ImhNone', 'Qt::ImhHiddenText', 'Qt::ImhSensitiveData', 'Qt::ImhNoAutoUppercase',
        'Qt::ImhPreferNumbers', 'Qt::ImhPreferUppercase', 'Qt::ImhPreferLowercase',
        'Qt::ImhNoPredictiveText', 'Qt::ImhDate', 'Qt::ImhTime', 'Qt::ImhPreferLatin', 'Qt::ImhMultiLine',
        'Qt::ImhNoEditMenu', 'Qt::ImhNoTextHandles', 'Qt::ImhDigitsOnly', 'Qt::ImhFormattedNumbersOnly',
        'Qt::ImhUppercaseOnly', 'Qt::ImhLowercaseOnly', 'Qt::ImhDialableCharactersOnly',
        'Qt::ImhEmailCharactersOnly', 'Qt::ImhUrlCharactersOnly', 'Qt::ImhLatinOnly',
        'Qt::ImhExclusiveInputMask',
    ),
    # qt5: QtWidgets/qtextedit.h, enum AutoFormattingFlag
    'QTextEdit::AutoFormatting': ('QTextEdit::AutoNone', 'QTextEdit::AutoBulletList', 'QTextEdit::AutoAll'),
    # ctk: Libs/Widgets/ctkPathLineEdit.h, enum Filter
    'ctkPathLineEdit::Filters': (
        'ctkPathLineEdit::Dirs', 'ctkPathLineEdit::Files', 'ctkPathLineEdit::Drives',
        'ctkPathLineEdit::NoSymLinks', 'ctkPathLineEdit::AllEntries', 'ctkPathLineEdit::TypeMask',
        'ctkPathLineEdit::Readable', 'ctkPathLineEdit::Writable', 'ctkPathLineEdit::Executable',
        'ctkPathLineEdit::PermissionMask', 'ctkPathLineEdit::Modified', 'ctkPathLineEdit::Hidden',
        'ctkPathLineEdit::System', 'ctkPathLineEdit::AccessMask', 'ctkPathLineEdit::AllDirs',
        'ctkPathLineEdit::CaseSensitive', 'ctkPathLineEdit::NoDotAndDotDot', 'ctkPathLineEdit::NoDot',
        'ctkPathLineEdit::NoDotDot', 'ctkPathLineEdit::NoFilter',
    ),
    # ctk: Libs/Widgets/ctkPathLineEdit.h, enum Option
    'ctkPathLineEdit::Options': (
        'ctkPathLineEdit::ShowDirsOnly', 'ctkPathLineEdit::DontResolveSymlinks',
        'ctkPathLineEdit::DontConfirmOverwrite', 'ctkPathLineEdit::DontUseSheet',
        'ctkPathLineEdit::DontUseNativeDialog', 'ctkPathLineEdit::ReadOnly',
        'ctkPathLineEdit::HideNameFilterDetails',
    ),
    # ctk: Libs/Widgets/ctkDoubleSpinBox.h, enum DecimalsOption
    'ctkDoubleSpinBox::DecimalsOptions': (
        'ctkDoubleSpinBox::FixedDecimals', 'ctkDoubleSpinBox::DecimalsByShortcuts',
        'ctkDoubleSpinBox::DecimalsByKey', 'ctkDoubleSpinBox::DecimalsByValue',
        'ctkDoubleSpinBox::InsertDecimals', 'ctkDoubleSpinBox::ReplaceDecimals',
        'ctkDoubleSpinBox::DecimalsAsMax', 'ctkDoubleSpinBox::DecimalsAsMin',
        'ctkDoubleSpinBox::DecimalPointAlwaysVisible',
    ),
    # ctk: Libs/Widgets/ctkSliderWidget.h, enum SynchronizeSibling
    'ctkSliderWidget::SynchronizeSiblings': (
        'ctkSliderWidget::NoSynchronize', 'ctkSliderWidget::SynchronizeWidth',
        'ctkSliderWidget::SynchronizeDecimals',
    ),
    # ctk: Libs/Widgets/ctkDirectoryButton.h, enum Option
    'ctkDirectoryButton::Options': (
        'ctkDirectoryButton::ShowDirsOnly', 'ctkDirectoryButton::DontResolveSymlinks',
        'ctkDirectoryButton::DontConfirmOverwrite', 'ctkDirectoryButton::DontUseSheet',
        'ctkDirectoryButton::DontUseNativeDialog', 'ctkDirectoryButton::ReadOnly',
        'ctkDirectoryButton::HideNameFilterDetails',
    ),
    # slicer: Libs/MRML/Widgets/qMRMLSliderWidget.h, enum UnitAwareProperty
    'qMRMLSliderWidget::UnitAwareProperties': (
        'qMRMLSliderWidget::None', 'qMRMLSliderWidget::Prefix', 'qMRMLSliderWidget::Suffix',
        'qMRMLSliderWidget::Precision', 'qMRMLSliderWidget::MinimumValue', 'qMRMLSliderWidget::MaximumValue',
        'qMRMLSliderWidget::Scaling', 'qMRMLSliderWidget::All',
    ),
    # slicer: Libs/MRML/Widgets/qMRMLSpinBox.h, enum UnitAwareProperty
    'qMRMLSpinBox::UnitAwareProperties': (
        'qMRMLSpinBox::None', 'qMRMLSpinBox::Prefix', 'qMRMLSpinBox::Suffix', 'qMRMLSpinBox::Precision',
        'qMRMLSpinBox::MinimumValue', 'qMRMLSpinBox::MaximumValue', 'qMRMLSpinBox::Scaling',
    ),
}

CLASSES = {
    'QObject': {
        'origin': 'Qt',
        'kind': 'object',
        'base': None,
        'header': 'qobject.h',
        'container': False,
        'designer': False,
        'source': 'qt5',
        'path': 'QtCore/qobject.h',
        'properties': {
            'objectName': 'QString',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': ('destroyed()', 'destroyed(QObject*)', 'objectNameChanged(QString)'),
        'slots': ('deleteLater()',),
    },
    'QWidget': {
        'origin': 'Qt',
        'kind': 'widget',
        'base': 'QObject',
        'header': 'qwidget.h',
        'container': True,
        'designer': True,
        'source': 'qt5',
        'path': 'QtWidgets/qwidget.h',
        'properties': {
            'modal': 'bool',
            'windowModality': 'Qt::WindowModality',
            'enabled': 'bool',
            'geometry': 'QRect',
            'frameGeometry': 'QRect',
            'normalGeometry': 'QRect',
            'x': 'int',
            'y': 'int',
            'pos': 'QPoint',
            'frameSize': 'QSize',
            'size': 'QSize',
            'width': 'int',
            'height': 'int',
            'rect': 'QRect',
            'childrenRect': 'QRect',
            'childrenRegion': 'QRegion',
            'sizePolicy': 'QSizePolicy',
            'minimumSize': 'QSize',
            'maximumSize': 'QSize',
            'minimumWidth': 'int',
            'minimumHeight': 'int',
            'maximumWidth': 'int',
            'maximumHeight': 'int',
            'sizeIncrement': 'QSize',
            'baseSize': 'QSize',
            'palette': 'QPalette',
            'font': 'QFont',
            'cursor': 'QCursor',
            'mouseTracking': 'bool',
            'tabletTracking': 'bool',
            'isActiveWindow': 'bool',
            'focusPolicy': 'Qt::FocusPolicy',
            'focus': 'bool',
            'contextMenuPolicy': 'Qt::ContextMenuPolicy',
            'updatesEnabled': 'bool',
            'visible': 'bool',
            'minimized': 'bool',
            'maximized': 'bool',
            'fullScreen': 'bool',
            'sizeHint': 'QSize',
            'minimumSizeHint': 'QSize',
            'acceptDrops': 'bool',
            'windowTitle': 'QString',
            'windowIcon': 'QIcon',
            'windowIconText': 'QString',
            'windowOpacity': 'double',
            'windowModified': 'bool',
            'toolTip': 'QString',
            'toolTipDuration': 'int',
            'statusTip': 'QString',
            'whatsThis': 'QString',
            'accessibleName': 'QString',
            'accessibleDescription': 'QString',
            'layoutDirection': 'Qt::LayoutDirection',
            'autoFillBackground': 'bool',
            'styleSheet': 'QString',
            'locale': 'QLocale',
            'windowFilePath': 'QString',
            'inputMethodHints': 'Qt::InputMethodHints',
        },
        'read_only': (
            'modal', 'frameGeometry', 'normalGeometry', 'x', 'y', 'frameSize', 'width', 'height', 'rect',
            'childrenRect', 'childrenRegion', 'isActiveWindow', 'focus', 'minimized', 'maximized',
            'fullScreen', 'sizeHint', 'minimumSizeHint',
        ),
        'designer_properties': {},
        'signals': (
            'customContextMenuRequested(QPoint)', 'windowIconChanged(QIcon)',
            'windowIconTextChanged(QString)', 'windowTitleChanged(QString)',
        ),
        'slots': (
            'close()', 'hide()', 'lower()', 'raise()', 'repaint()', 'setDisabled(bool)', 'setEnabled(bool)',
            'setFocus()', 'setHidden(bool)', 'setStyleSheet(QString)', 'setVisible(bool)',
            'setWindowModified(bool)', 'setWindowTitle(QString)', 'show()', 'showFullScreen()',
            'showMaximized()', 'showMinimized()', 'showNormal()', 'update()',
        ),
    },
    'QFrame': {
        'origin': 'Qt',
        'kind': 'widget',
        'base': 'QWidget',
        'header': 'qframe.h',
        'container': True,
        'designer': True,
        'source': 'qt5',
        'path': 'QtWidgets/qframe.h',
        'properties': {
            'frameShape': 'QFrame::Shape',
            'frameShadow': 'QFrame::Shadow',
            'lineWidth': 'int',
            'midLineWidth': 'int',
            'frameWidth': 'int',
            'frameRect': 'QRect',
        },
        'read_only': ('frameWidth',),
        'designer_properties': {},
        'signals': (),
        'slots': (),
    },
    'QAbstractButton': {
        'origin': 'Qt',
        'kind': 'widget',
        'base': 'QWidget',
        'header': 'qabstractbutton.h',
        'container': False,
        'designer': False,
        'source': 'qt5',
        'path': 'QtWidgets/qabstractbutton.h',
        'properties': {
            'text': 'QString',
            'icon': 'QIcon',
            'iconSize': 'QSize',
            'shortcut': 'QKeySequence',
            'checkable': 'bool',
            'checked': 'bool',
            'autoRepeat': 'bool',
            'autoExclusive': 'bool',
            'autoRepeatDelay': 'int',
            'autoRepeatInterval': 'int',
            'down': 'bool',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': (
            'clicked()', 'clicked(bool)', 'pressed()', 'released()', 'toggled(bool)',
        ),
        'slots': (
            'animateClick()', 'animateClick(int)', 'click()', 'setChecked(bool)', 'setIconSize(QSize)',
            'toggle()',
        ),
    },
    'QPushButton': {
        'origin': 'Qt',
        'kind': 'widget',
        'base': 'QAbstractButton',
        'header': 'qpushbutton.h',
        'container': False,
        'designer': True,
        'source': 'qt5',
        'path': 'QtWidgets/qpushbutton.h',
        'properties': {
            'autoDefault': 'bool',
            'default': 'bool',
            'flat': 'bool',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': (),
        'slots': ('showMenu()',),
    },
    'QToolButton': {
        'origin': 'Qt',
        'kind': 'widget',
        'base': 'QAbstractButton',
        'header': 'qtoolbutton.h',
        'container': False,
        'designer': True,
        'source': 'qt5',
        'path': 'QtWidgets/qtoolbutton.h',
        'properties': {
            'popupMode': 'QToolButton::ToolButtonPopupMode',
            'toolButtonStyle': 'Qt::ToolButtonStyle',
            'autoRaise': 'bool',
            'arrowType': 'Qt::ArrowType',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': ('triggered(QAction*)',),
        'slots': (
            'setDefaultAction(QAction*)', 'setToolButtonStyle(Qt::ToolButtonStyle)', 'showMenu()',
        ),
    },
    'QCheckBox': {
        'origin': 'Qt',
        'kind': 'widget',
        'base': 'QAbstractButton',
        'header': 'qcheckbox.h',
        'container': False,
        'designer': True,
        'source': 'qt5',
        'path': 'QtWidgets/qcheckbox.h',
        'properties': {
            'tristate': 'bool',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': ('stateChanged(int)',),
        'slots': (),
    },
    'QRadioButton': {
        'origin': 'Qt',
        'kind': 'widget',
        'base': 'QAbstractButton',
        'header': 'qradiobutton.h',
        'container': False,
        'designer': True,
        'source': 'qt5',
        'path': 'QtWidgets/qradiobutton.h',
        'properties': {},
        'read_only': (),
        'designer_properties': {},
        'signals': (),
        'slots': (),
    },
    'QLabel': {
        'origin': 'Qt',
        'kind': 'widget',
        'base': 'QFrame',
        'header': 'qlabel.h',
        'container': False,
        'designer': True,
        'source': 'qt5',
        'path': 'QtWidgets/qlabel.h',
        'properties': {
            'text': 'QString',
            'textFormat': 'Qt::TextFormat',
            'pixmap': 'QPixmap',
            'scaledContents': 'bool',
            'alignment': 'Qt::Alignment',
            'wordWrap': 'bool',
            'margin': 'int',
            'indent': 'int',
            'openExternalLinks': 'bool',
            'textInteractionFlags': 'Qt::TextInteractionFlags',
            'hasSelectedText': 'bool',
            'selectedText': 'QString',
        },
        'read_only': ('hasSelectedText', 'selectedText'),
        'designer_properties': {
            'buddy': 'QByteArray',
        },
        'signals': ('linkActivated(QString)', 'linkHovered(QString)'),
        'slots': (
            'clear()', 'setMovie(QMovie*)', 'setNum(double)', 'setNum(int)', 'setPicture(QPicture)',
            'setPixmap(QPixmap)', 'setText(QString)',
        ),
    },
    'QLineEdit': {
        'origin': 'Qt',
        'kind': 'widget',
        'base': 'QWidget',
        'header': 'qlineedit.h',
        'container': False,
        'designer': True,
        'source': 'qt5',
        'path': 'QtWidgets/qlineedit.h',
        'properties': {
            'inputMask': 'QString',
            'text': 'QString',
            'maxLength': 'int',
            'frame': 'bool',
            'echoMode': 'QLineEdit::EchoMode',
            'displayText': 'QString',
            'cursorPosition': 'int',
            'alignment': 'Qt::Alignment',
            'modified': 'bool',
            'hasSelectedText': 'bool',
            'selectedText': 'QString',
            'dragEnabled': 'bool',
            'readOnly': 'bool',
            'undoAvailable': 'bool',
            'redoAvailable': 'bool',
            'acceptableInput': 'bool',
            'placeholderText': 'QString',
            'cursorMoveStyle': 'Qt::CursorMoveStyle',
            'clearButtonEnabled': 'bool',
        },
        'read_only': (
            'displayText', 'hasSelectedText', 'selectedText', 'undoAvailable', 'redoAvailable',
            'acceptableInput',
        ),
        'designer_properties': {},
        'signals': (
            'cursorPositionChanged(int,int)', 'editingFinished()', 'inputRejected()', 'returnPressed()',
            'selectionChanged()', 'textChanged(QString)', 'textEdited(QString)',
        ),
        'slots': (
            'clear()', 'copy()', 'cut()', 'paste()', 'redo()', 'selectAll()', 'setText(QString)', 'undo()',
        ),
    },
    'QComboBox': {
        'origin': 'Qt',
        'kind': 'widget',
        'base': 'QWidget',
        'header': 'qcombobox.h',
        'container': False,
        'designer': True,
        'source': 'qt5',
        'path': 'QtWidgets/qcombobox.h',
        'properties': {
            'editable': 'bool',
            'count': 'int',
            'currentText': 'QString',
            'currentIndex': 'int',
            'currentData': 'QVariant',
            'maxVisibleItems': 'int',
            'maxCount': 'int',
            'insertPolicy': 'QComboBox::InsertPolicy',
            'sizeAdjustPolicy': 'QComboBox::SizeAdjustPolicy',
            'minimumContentsLength': 'int',
            'iconSize': 'QSize',
            'placeholderText': 'QString',
            'autoCompletion': 'bool',
            'autoCompletionCaseSensitivity': 'Qt::CaseSensitivity',
            'duplicatesEnabled': 'bool',
            'frame': 'bool',
            'modelColumn': 'int',
        },
        'read_only': ('count', 'currentData'),
        'designer_properties': {},
        'signals': (
            'activated(QString)', 'activated(int)', 'currentIndexChanged(QString)',
            'currentIndexChanged(int)', 'currentTextChanged(QString)', 'editTextChanged(QString)',
            'highlighted(QString)', 'highlighted(int)', 'textActivated(QString)', 'textHighlighted(QString)',
        ),
        'slots': (
            'clear()', 'clearEditText()', 'setCurrentIndex(int)', 'setCurrentText(QString)',
            'setEditText(QString)',
        ),
    },
    'QAbstractSpinBox': {
        'origin': 'Qt',
        'kind': 'widget',
        'base': 'QWidget',
        'header': 'qabstractspinbox.h',
        'container': False,
        'designer': False,
        'source': 'qt5',
        'path': 'QtWidgets/qabstractspinbox.h',
        'properties': {
            'wrapping': 'bool',
            'frame': 'bool',
            'alignment': 'Qt::Alignment',
            'readOnly': 'bool',
            'buttonSymbols': 'QAbstractSpinBox::ButtonSymbols',
            'specialValueText': 'QString',
            'text': 'QString',
            'accelerated': 'bool',
            'correctionMode': 'QAbstractSpinBox::CorrectionMode',
            'acceptableInput': 'bool',
            'keyboardTracking': 'bool',
            'showGroupSeparator': 'bool',
        },
        'read_only': ('text', 'acceptableInput'),
        'designer_properties': {},
        'signals': ('editingFinished()',),
        'slots': ('clear()', 'selectAll()', 'stepDown()', 'stepUp()'),
    },
    'QSpinBox': {
        'origin': 'Qt',
        'kind': 'widget',
        'base': 'QAbstractSpinBox',
        'header': 'qspinbox.h',
        'container': False,
        'designer': True,
        'source': 'qt5',
        'path': 'QtWidgets/qspinbox.h',
        'properties': {
            'suffix': 'QString',
            'prefix': 'QString',
            'cleanText': 'QString',
            'minimum': 'int',
            'maximum': 'int',
            'singleStep': 'int',
            'stepType': 'QAbstractSpinBox::StepType',
            'value': 'int',
            'displayIntegerBase': 'int',
        },
        'read_only': ('cleanText',),
        'designer_properties': {},
        'signals': ('textChanged(QString)', 'valueChanged(QString)', 'valueChanged(int)'),
        'slots': ('setValue(int)',),
    },
    'QDoubleSpinBox': {
        'origin': 'Qt',
        'kind': 'widget',
        'base': 'QAbstractSpinBox',
        'header': 'qspinbox.h',
        'container': False,
        'designer': True,
        'source': 'qt5',
        'path': 'QtWidgets/qspinbox.h',
        'properties': {
            'prefix': 'QString',
            'suffix': 'QString',
            'cleanText': 'QString',
            'decimals': 'int',
            'minimum': 'double',
            'maximum': 'double',
            'singleStep': 'double',
            'stepType': 'QAbstractSpinBox::StepType',
            'value': 'double',
        },
        'read_only': ('cleanText',),
        'designer_properties': {},
        'signals': (
            'textChanged(QString)', 'valueChanged(QString)', 'valueChanged(double)',
        ),
        'slots': ('setValue(double)',),
    },
    'QProgressBar': {
        'origin': 'Qt',
        'kind': 'widget',
        'base': 'QWidget',
        'header': 'qprogressbar.h',
        'container': False,
        'designer': True,
        'source': 'qt5',
        'path': 'QtWidgets/qprogressbar.h',
        'properties': {
            'minimum': 'int',
            'maximum': 'int',
            'text': 'QString',
            'value': 'int',
            'alignment': 'Qt::Alignment',
            'textVisible': 'bool',
            'orientation': 'Qt::Orientation',
            'invertedAppearance': 'bool',
            'textDirection': 'QProgressBar::Direction',
            'format': 'QString',
        },
        'read_only': ('text',),
        'designer_properties': {},
        'signals': ('valueChanged(int)',),
        'slots': (
            'reset()', 'setMaximum(int)', 'setMinimum(int)', 'setOrientation(Qt::Orientation)',
            'setRange(int,int)', 'setValue(int)',
        ),
    },
    'QGroupBox': {
        'origin': 'Qt',
        'kind': 'widget',
        'base': 'QWidget',
        'header': 'qgroupbox.h',
        'container': True,
        'designer': True,
        'source': 'qt5',
        'path': 'QtWidgets/qgroupbox.h',
        'properties': {
            'title': 'QString',
            'alignment': 'Qt::Alignment',
            'flat': 'bool',
            'checkable': 'bool',
            'checked': 'bool',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': ('clicked()', 'clicked(bool)', 'toggled(bool)'),
        'slots': ('setChecked(bool)',),
    },
    'QAbstractScrollArea': {
        'origin': 'Qt',
        'kind': 'widget',
        'base': 'QFrame',
        'header': 'qabstractscrollarea.h',
        'container': False,
        'designer': False,
        'source': 'qt5',
        'path': 'QtWidgets/qabstractscrollarea.h',
        'properties': {
            'verticalScrollBarPolicy': 'Qt::ScrollBarPolicy',
            'horizontalScrollBarPolicy': 'Qt::ScrollBarPolicy',
            'sizeAdjustPolicy': 'QAbstractScrollArea::SizeAdjustPolicy',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': (),
        'slots': (),
    },
    'QTextEdit': {
        'origin': 'Qt',
        'kind': 'widget',
        'base': 'QAbstractScrollArea',
        'header': 'qtextedit.h',
        'container': False,
        'designer': True,
        'source': 'qt5',
        'path': 'QtWidgets/qtextedit.h',
        'properties': {
            'autoFormatting': 'QTextEdit::AutoFormatting',
            'tabChangesFocus': 'bool',
            'documentTitle': 'QString',
            'undoRedoEnabled': 'bool',
            'lineWrapMode': 'QTextEdit::LineWrapMode',
            'lineWrapColumnOrWidth': 'int',
            'readOnly': 'bool',
            'markdown': 'QString',
            'html': 'QString',
            'plainText': 'QString',
            'overwriteMode': 'bool',
            'tabStopWidth': 'int',
            'tabStopDistance': 'qreal',
            'acceptRichText': 'bool',
            'cursorWidth': 'int',
            'textInteractionFlags': 'Qt::TextInteractionFlags',
            'document': 'QTextDocument*',
            'placeholderText': 'QString',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': (
            'copyAvailable(bool)', 'currentCharFormatChanged(QTextCharFormat)', 'cursorPositionChanged()',
            'redoAvailable(bool)', 'selectionChanged()', 'textChanged()', 'undoAvailable(bool)',
        ),
        'slots': (
            'append(QString)', 'clear()', 'copy()', 'cut()', 'insertHtml(QString)',
            'insertPlainText(QString)', 'paste()', 'redo()', 'scrollToAnchor(QString)', 'selectAll()',
            'setAlignment(Qt::Alignment)', 'setCurrentFont(QFont)', 'setFontFamily(QString)',
            'setFontItalic(bool)', 'setFontPointSize(qreal)', 'setFontUnderline(bool)', 'setFontWeight(int)',
            'setHtml(QString)', 'setMarkdown(QString)', 'setPlainText(QString)', 'setText(QString)',
            'setTextBackgroundColor(QColor)', 'setTextColor(QColor)', 'undo()', 'zoomIn()', 'zoomIn(int)',
            'zoomOut()', 'zoomOut(int)',
        ),
    },
    'QLayout': {
        'origin': 'Qt',
        'kind': 'layout',
        'base': 'QObject',
        'header': 'qlayout.h',
        'container': False,
        'designer': False,
        'source': 'qt5',
        'path': 'QtWidgets/qlayout.h',
        'properties': {
            'margin': 'int',
            'spacing': 'int',
            'sizeConstraint': 'QLayout::SizeConstraint',
        },
        'read_only': (),
        'designer_properties': {
            'leftMargin': 'int',
            'topMargin': 'int',
            'rightMargin': 'int',
            'bottomMargin': 'int',
        },
        'signals': (),
        'slots': (),
    },
    'QBoxLayout': {
        'origin': 'Qt',
        'kind': 'layout',
        'base': 'QLayout',
        'header': 'qboxlayout.h',
        'container': False,
        'designer': False,
        'source': 'qt5',
        'path': 'QtWidgets/qboxlayout.h',
        'properties': {},
        'read_only': (),
        'designer_properties': {},
        'signals': (),
        'slots': (),
    },
    'QHBoxLayout': {
        'origin': 'Qt',
        'kind': 'layout',
        'base': 'QBoxLayout',
        'header': 'qboxlayout.h',
        'container': False,
        'designer': True,
        'source': 'qt5',
        'path': 'QtWidgets/qboxlayout.h',
        'properties': {},
        'read_only': (),
        'designer_properties': {},
        'signals': (),
        'slots': (),
    },
    'QVBoxLayout': {
        'origin': 'Qt',
        'kind': 'layout',
        'base': 'QBoxLayout',
        'header': 'qboxlayout.h',
        'container': False,
        'designer': True,
        'source': 'qt5',
        'path': 'QtWidgets/qboxlayout.h',
        'properties': {},
        'read_only': (),
        'designer_properties': {},
        'signals': (),
        'slots': (),
    },
    'QFormLayout': {
        'origin': 'Qt',
        'kind': 'layout',
        'base': 'QLayout',
        'header': 'qformlayout.h',
        'container': False,
        'designer': True,
        'source': 'qt5',
        'path': 'QtWidgets/qformlayout.h',
        'properties': {
            'fieldGrowthPolicy': 'QFormLayout::FieldGrowthPolicy',
            'rowWrapPolicy': 'QFormLayout::RowWrapPolicy',
            'labelAlignment': 'Qt::Alignment',
            'formAlignment': 'Qt::Alignment',
            'horizontalSpacing': 'int',
            'verticalSpacing': 'int',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': (),
        'slots': (),
    },
    'QGridLayout': {
        'origin': 'Qt',
        'kind': 'layout',
        'base': 'QLayout',
        'header': 'qgridlayout.h',
        'container': False,
        'designer': True,
        'source': 'qt5',
        'path': 'QtWidgets/qgridlayout.h',
        'properties': {},
        'read_only': (),
        'designer_properties': {
            'horizontalSpacing': 'int',
            'verticalSpacing': 'int',
        },
        'signals': (),
        'slots': (),
    },
    'ctkCollapsibleButton': {
        'origin': 'CTK',
        'kind': 'widget',
        'base': 'QAbstractButton',
        'header': 'ctkCollapsibleButton.h',
        'container': True,
        'designer': True,
        'source': 'ctk',
        'path': 'Libs/Widgets/ctkCollapsibleButton.h',
        'properties': {
            'collapsed': 'bool',
            'collapsedHeight': 'int',
            'flat': 'bool',
            'contentsFrameShape': 'QFrame::Shape',
            'contentsFrameShadow': 'QFrame::Shadow',
            'contentsLineWidth': 'int',
            'contentsMidLineWidth': 'int',
            'buttonTextAlignment': 'Qt::Alignment',
            'indicatorAlignment': 'Qt::Alignment',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': ('contentsCollapsed(bool)',),
        'slots': (),
    },
    'ctkPathLineEdit': {
        'origin': 'CTK',
        'kind': 'widget',
        'base': 'QWidget',
        'header': 'ctkPathLineEdit.h',
        'container': False,
        'designer': True,
        'source': 'ctk',
        'path': 'Libs/Widgets/ctkPathLineEdit.h',
        'properties': {
            'label': 'QString',
            'filters': 'ctkPathLineEdit::Filters',
            'currentPath': 'QString',
            'options': 'ctkPathLineEdit::Options',
            'settingKey': 'QString',
            'showBrowseButton': 'bool',
            'showHistoryButton': 'bool',
            'sizeAdjustPolicy': 'ctkPathLineEdit::SizeAdjustPolicy',
            'minimumContentsLength': 'int',
            'nameFilters': 'QStringList',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': ('currentPathChanged(QString)', 'validInputChanged(bool)'),
        'slots': (
            'addCurrentPathToHistory()', 'browse()', 'retrieveHistory()', 'setCurrentPath(QString)',
        ),
    },
    'ctkDoubleSpinBox': {
        'origin': 'CTK',
        'kind': 'widget',
        'base': 'QWidget',
        'header': 'ctkDoubleSpinBox.h',
        'container': False,
        'designer': True,
        'source': 'ctk',
        'path': 'Libs/Widgets/ctkDoubleSpinBox.h',
        'properties': {
            'alignment': 'Qt::Alignment',
            'frame': 'bool',
            'readOnly': 'bool',
            'prefix': 'QString',
            'suffix': 'QString',
            'cleanText': 'QString',
            'decimals': 'int',
            'decimalsOption': 'ctkDoubleSpinBox::DecimalsOptions',
            'minimum': 'double',
            'maximum': 'double',
            'singleStep': 'double',
            'value': 'double',
            'setMode': 'ctkDoubleSpinBox::SetMode',
            'invertedControls': 'bool',
            'sizeHintPolicy': 'ctkDoubleSpinBox::SizeHintPolicy',
            'isSettingValue': 'bool',
        },
        'read_only': ('cleanText', 'isSettingValue'),
        'designer_properties': {},
        'signals': (
            'decimalsChanged(int)', 'editingFinished()', 'valueChanged(QString)', 'valueChanged(double)',
        ),
        'slots': (
            'setDecimals(int)', 'setReadOnly(bool)', 'setValue(double)', 'setValueAlways(double)',
            'setValueIfDifferent(double)', 'stepDown()', 'stepUp()',
        ),
    },
    'ctkSliderWidget': {
        'origin': 'CTK',
        'kind': 'widget',
        'base': 'QWidget',
        'header': 'ctkSliderWidget.h',
        'container': False,
        'designer': True,
        'source': 'ctk',
        'path': 'Libs/Widgets/ctkSliderWidget.h',
        'properties': {
            'decimals': 'int',
            'singleStep': 'double',
            'pageStep': 'double',
            'minimum': 'double',
            'maximum': 'double',
            'value': 'double',
            'prefix': 'QString',
            'suffix': 'QString',
            'tickInterval': 'double',
            'tickPosition': 'QSlider::TickPosition',
            'synchronizeSiblings': 'ctkSliderWidget::SynchronizeSiblings',
            'spinBoxAlignment': 'Qt::Alignment',
            'tracking': 'bool',
            'spinBoxVisible': 'bool',
            'popupSlider': 'bool',
            'invertedAppearance': 'bool',
            'invertedControls': 'bool',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': (
            'decimalsChanged(int)', 'valueChanged(double)', 'valueIsChanging(double)',
        ),
        'slots': (
            'reset()', 'setDecimals(int)', 'setSpinBoxVisible(bool)', 'setValue(double)',
        ),
    },
    'ctkCheckBox': {
        'origin': 'CTK',
        'kind': 'widget',
        'base': 'QCheckBox',
        'header': 'ctkCheckBox.h',
        'container': False,
        'designer': True,
        'source': 'ctk',
        'path': 'Libs/Widgets/ctkCheckBox.h',
        'properties': {
            'indicatorIcon': 'QIcon',
            'indicatorIconSize': 'QSize',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': (),
        'slots': (),
    },
    'ctkComboBox': {
        'origin': 'CTK',
        'kind': 'widget',
        'base': 'QComboBox',
        'header': 'ctkComboBox.h',
        'container': False,
        'designer': True,
        'source': 'ctk',
        'path': 'Libs/Widgets/ctkComboBox.h',
        'properties': {
            'defaultText': 'QString',
            'defaultIcon': 'QIcon',
            'forceDefault': 'bool',
            'elideMode': 'Qt::TextElideMode',
            'scrollWheelEffect': 'ctkComboBox::ScrollEffect',
            'currentUserDataAsString': 'QString',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': ('returnRelease()',),
        'slots': ('setCurrentUserDataAsString(QString)',),
    },
    'ctkDirectoryButton': {
        'origin': 'CTK',
        'kind': 'widget',
        'base': 'QWidget',
        'header': 'ctkDirectoryButton.h',
        'container': False,
        'designer': True,
        'source': 'ctk',
        'path': 'Libs/Widgets/ctkDirectoryButton.h',
        'properties': {
            'acceptMode': 'QFileDialog::AcceptMode',
            'directory': 'QString',
            'caption': 'QString',
            'text': 'QString',
            'icon': 'QIcon',
            'elideMode': 'Qt::TextElideMode',
            'options': 'ctkDirectoryButton::Options',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': ('directoryChanged(QString)', 'directorySelected(QString)'),
        'slots': ('browse()',),
    },
    'ctkPushButton': {
        'origin': 'CTK',
        'kind': 'widget',
        'base': 'QPushButton',
        'header': 'ctkPushButton.h',
        'container': False,
        'designer': True,
        'source': 'ctk',
        'path': 'Libs/Widgets/ctkPushButton.h',
        'properties': {
            'buttonTextAlignment': 'Qt::Alignment',
            'iconAlignment': 'Qt::Alignment',
            'elideMode': 'Qt::TextElideMode',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': (),
        'slots': (),
    },
    'ctkCheckablePushButton': {
        'origin': 'CTK',
        'kind': 'widget',
        'base': 'ctkPushButton',
        'header': 'ctkCheckablePushButton.h',
        'container': False,
        'designer': True,
        'source': 'ctk',
        'path': 'Libs/Widgets/ctkCheckablePushButton.h',
        'properties': {
            'indicatorAlignment': 'Qt::Alignment',
            'checkState': 'Qt::CheckState',
            'checkBoxControlsButton': 'bool',
            'checkBoxControlsButtonToggleState': 'bool',
            'checkBoxUserCheckable': 'bool',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': ('checkBoxToggled(bool)', 'checkStateChanged(Qt::CheckState)'),
        'slots': (),
    },
    'qMRMLWidget': {
        'origin': 'Slicer',
        'kind': 'widget',
        'base': 'QWidget',
        'header': 'qMRMLWidget.h',
        'container': True,
        'designer': True,
        'source': 'slicer',
        'path': 'Libs/MRML/Widgets/qMRMLWidget.h',
        'properties': {},
        'read_only': (),
        'designer_properties': {},
        'signals': ('mrmlSceneChanged(vtkMRMLScene*)',),
        'slots': ('setMRMLScene(vtkMRMLScene*)',),
    },
    'qSlicerWidget': {
        'origin': 'Slicer',
        'kind': 'widget',
        'base': 'QWidget',
        'header': 'qSlicerWidget.h',
        'container': True,
        'designer': True,
        'source': 'slicer',
        'path': 'Base/QTGUI/qSlicerWidget.h',
        'properties': {},
        'read_only': (),
        'designer_properties': {},
        'signals': ('mrmlSceneChanged(vtkMRMLScene*)',),
        'slots': ('setMRMLScene(vtkMRMLScene*)',),
    },
    'qMRMLNodeComboBox': {
        'origin': 'Slicer',
        'kind': 'widget',
        'base': 'QWidget',
        'header': 'qMRMLNodeComboBox.h',
        'container': False,
        'designer': True,
        'source': 'slicer',
        'path': 'Libs/MRML/Widgets/qMRMLNodeComboBox.h',
        'properties': {
            'currentNodeID': 'QString',
            'currentNodeId': 'QString',
            'nodeTypes': 'QStringList',
            'showHidden': 'bool',
            'showChildNodeTypes': 'bool',
            'hideChildNodeTypes': 'QStringList',
            'baseName': 'QString',
            'noneEnabled': 'bool',
            'addEnabled': 'bool',
            'removeEnabled': 'bool',
            'editEnabled': 'bool',
            'renameEnabled': 'bool',
            'interactionNodeSingletonTag': 'QString',
            'selectNodeUponCreation': 'bool',
            'noneDisplay': 'QString',
            'sizeAdjustPolicy': 'QComboBox::SizeAdjustPolicy',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': (
            'currentNodeChanged(bool)', 'currentNodeChanged(vtkMRMLNode*)', 'currentNodeIDChanged(QString)',
            'currentNodeRenamed(QString)', 'nodeAboutToBeEdited(vtkMRMLNode*)',
            'nodeAboutToBeRemoved(vtkMRMLNode*)', 'nodeActivated(vtkMRMLNode*)', 'nodeAdded(vtkMRMLNode*)',
            'nodeAddedByUser(vtkMRMLNode*)', 'nodeAddedByUserAction(vtkMRMLNode*)',
        ),
        'slots': (
            'addNode()', 'addNode(QString)', 'editCurrentNode()', 'removeCurrentNode()',
            'renameCurrentNode()', 'setCurrentNode(QString)', 'setCurrentNode(vtkMRMLNode*)',
            'setCurrentNodeID(QString)', 'setCurrentNodeIndex(int)', 'setMRMLScene(vtkMRMLScene*)',
        ),
    },
    'qMRMLSegmentSelectorWidget': {
        'origin': 'Slicer',
        'kind': 'widget',
        'base': 'qMRMLWidget',
        'header': 'qMRMLSegmentSelectorWidget.h',
        'container': False,
        'designer': True,
        'source': 'slicer',
        'path': 'Libs/MRML/Widgets/qMRMLSegmentSelectorWidget.h',
        'properties': {
            'noneEnabled': 'bool',
            'editEnabled': 'bool',
            'segmentationNodeSelectorVisible': 'bool',
            'multiSelection': 'bool',
            'horizontalLayout': 'bool',
            'selectNodeUponCreation': 'bool',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': (
            'currentNodeChanged(bool)', 'currentNodeChanged(vtkMRMLNode*)', 'currentSegmentChanged(QString)',
            'nodeAboutToBeEdited(vtkMRMLNode*)', 'segmentSelectionChanged(QStringList)',
        ),
        'slots': (
            'setCurrentNode(vtkMRMLNode*)', 'setCurrentNodeID(QString)', 'setCurrentSegmentID(QString)',
            'setSelectedSegmentIDs(QStringList)',
        ),
    },
    'qSlicerMarkupsPlaceWidget': {
        'origin': 'Slicer',
        'kind': 'widget',
        'base': 'qSlicerWidget',
        'header': 'qSlicerMarkupsPlaceWidget.h',
        'container': False,
        'designer': True,
        'source': 'slicer',
        'path': 'Modules/Loadable/Markups/Widgets/qSlicerMarkupsPlaceWidget.h',
        'properties': {
            'buttonsVisible': 'bool',
            'deleteAllControlPointsOptionVisible': 'bool',
            'unsetLastControlPointOptionVisible': 'bool',
            'unsetAllControlPointsOptionVisible': 'bool',
            'placeMultipleMarkups': 'qSlicerMarkupsPlaceWidget::PlaceMultipleMarkupsType',
            'nodeColor': 'QColor',
            'defaultNodeColor': 'QColor',
            'currentNodeActive': 'bool',
            'placeModeEnabled': 'bool',
            'placeModePersistency': 'bool',
            'deleteAllMarkupsOptionVisible': 'bool',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': (
            'activeMarkupsFiducialPlaceModeChanged(bool)', 'activeMarkupsPlaceModeChanged(bool)',
        ),
        'slots': (
            'deleteAllMarkups()', 'deleteAllPoints()', 'deleteLastMarkup()', 'deleteLastPoint()',
            'modifyLastPoint()', 'setButtonsVisible(bool)', 'setCurrentNode(vtkMRMLNode*)',
            'setCurrentNodeActive(bool)', 'setDefaultNodeColor(QColor)',
            'setDeleteAllControlPointsOptionVisible(bool)', 'setDeleteAllMarkupsOptionVisible(bool)',
            'setInteractionNode(vtkMRMLInteractionNode*)', 'setMRMLScene(vtkMRMLScene*)',
            'setNodeColor(QColor)', 'setPlaceModeEnabled(bool)', 'setPlaceModePersistency(bool)',
            'setPlaceMultipleMarkups(PlaceMultipleMarkupsType)', 'setSelectionNode(vtkMRMLSelectionNode*)',
            'setUnsetAllControlPointsOptionVisible(bool)', 'setUnsetLastControlPointOptionVisible(bool)',
            'unsetAllPoints()', 'unsetLastDefinedPoint()',
        ),
    },
    'qMRMLSliderWidget': {
        'origin': 'Slicer',
        'kind': 'widget',
        'base': 'ctkSliderWidget',
        'header': 'qMRMLSliderWidget.h',
        'container': False,
        'designer': True,
        'source': 'slicer',
        'path': 'Libs/MRML/Widgets/qMRMLSliderWidget.h',
        'properties': {
            'quantity': 'QString',
            'unitAwareProperties': 'qMRMLSliderWidget::UnitAwareProperties',
            'orientation': 'Qt::Orientation',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': (),
        'slots': (
            'setMRMLScene(vtkMRMLScene*)', 'setOrientation(Qt::Orientation)', 'setQuantity(QString)',
            'setUnitAwareProperties(UnitAwareProperties)',
        ),
    },
    'qMRMLSpinBox': {
        'origin': 'Slicer',
        'kind': 'widget',
        'base': 'ctkDoubleSpinBox',
        'header': 'qMRMLSpinBox.h',
        'container': False,
        'designer': True,
        'source': 'slicer',
        'path': 'Libs/MRML/Widgets/qMRMLSpinBox.h',
        'properties': {
            'quantity': 'QString',
            'unitAwareProperties': 'qMRMLSpinBox::UnitAwareProperties',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': (),
        'slots': (
            'setMRMLScene(vtkMRMLScene*)', 'setQuantity(QString)',
            'setUnitAwareProperties(UnitAwareProperties)',
        ),
    },
    'spacer': {
        'origin': 'Qt',
        'kind': 'spacer',
        'base': None,
        'header': None,
        'container': False,
        'designer': True,
        'source': 'qttools',
        'path': 'src/designer/src/lib/shared/spacer_widget_p.h (class Spacer)',
        'properties': {
            'orientation': 'Qt::Orientation',
            'sizeType': 'QSizePolicy::Policy',
            'sizeHint': 'QSize',
        },
        'read_only': (),
        'designer_properties': {},
        'signals': (),
        'slots': (),
    },
}
